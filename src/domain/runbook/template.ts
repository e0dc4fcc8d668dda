/** A starter runbook in seed 001's format, for a service that has none yet. */
export function runbookTemplate(service: string): string {
  return `# Runbook: ${service}

## Service Overview
- **Purpose:** what ${service} does and who depends on it
- **Dependencies:** databases, queues and services it calls
- **Critical paths:** the requests that must keep working
- **Dashboards:** https://grafana.example.com/d/${encodeURIComponent(service)}

## Common Issues

### Issue 1: Elevated error rate
- **Symptoms:** 5xx responses above 1%, alerts from the load balancer
- **Diagnosis:**
  \`\`\`bash
  kubectl -n ${service} get pods
  kubectl -n ${service} logs deploy/${service} --since=15m | grep -i error
  \`\`\`
- **Resolution:** roll back the last deploy if it started with it:
  \`\`\`bash
  kubectl -n ${service} rollout undo deploy/${service}
  \`\`\`

## Escalation
- On-call: #ops-oncall
- Service owner: @team-name
`;
}
