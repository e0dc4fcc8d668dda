/**
 * The XSS corpus of the status page: payloads put into every field the public sees (page name, footer
 * links, logo URL, brand colour, component names and descriptions, incident and maintenance titles,
 * update bodies, postmortems, responder names). Each payload that would run script calls
 * alert("xss-N"), so a browser test can tell which one got through.
 */
import { sampleStatusData } from "#domain/status-page/samples.ts";
import type { ComponentData, IncidentData, StatusData } from "#domain/status-page/types.ts";

export const XSS_PAYLOADS: readonly string[] = [
  `<script>alert("xss-1")</script>`,
  `<img src=x onerror=alert("xss-2")>`,
  `"><svg onload=alert("xss-3")>`,
  `'><svg/onload=alert('xss-4')>`,
  `javascript:alert("xss-5")`,
  `</style><script>alert("xss-6")</script>`,
  `</title><script>alert("xss-7")</script>`,
  `{{constructor.constructor('alert("xss-8")')()}}`,
  `<iframe src="javascript:alert('xss-9')"></iframe>`,
  `<a href="javascript:alert('xss-10')">click me</a>`,
  `<body onload=alert("xss-11")>`,
  `<details open ontoggle=alert("xss-12")>`,
  `＜script＞alert("xss-13")＜/script＞`,
  `\\u003cscript\\u003ealert("xss-14")\\u003c/script\\u003e`,
  `<scr<script>ipt>alert("xss-15")</scr</script>ipt>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-16")>`,
  `<!--<img src="--><img src=x onerror=alert('xss-17')//">`,
  `&lt;script&gt;alert("xss-18")&lt;/script&gt;`,
  `<input autofocus onfocus=alert("xss-19")>`,
  `]]><script>alert("xss-20")</script>`,
  `\u202e<script>alert("xss-21")</script>`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert('xss-22')">`,
  `<style>body{background:url("https://evil.example/xss-23")}</style>`,
];

const pad = (n: number) => String(n).padStart(3, "0");

/** The major-outage sample with every payload in every kind of public field. */
export function xssStatusData(): StatusData {
  const base = sampleStatusData("major-outage");
  const template = base.incidents[0] as IncidentData;
  const components: ComponentData[] = XSS_PAYLOADS.map((payload, i) => ({
    ...(base.components.find((c) => c.id === "cmpsearch001") as ComponentData),
    id: `cmpxss000${pad(i)}`,
    name: payload,
    description: payload,
    position: 100 + i,
    status: "major_outage",
  }));
  const incidents: IncidentData[] = XSS_PAYLOADS.map((payload, i) => ({
    ...template,
    id: `incxss000${pad(i)}`,
    name: payload,
    shortlink: i % 2 ? payload : `https://status.example.com/incidents/incxss000${pad(i)}`,
    componentIds: [`cmpxss000${pad(i)}`],
    responders: [payload],
    updates: [
      {
        id: `updxss000${pad(i)}`,
        status: "investigating",
        body: `${payload}\n\n${payload}`,
        createdAt: template.createdAt,
        affectedComponents: [
          {
            code: `cmpxss000${pad(i)}`,
            name: payload,
            old_status: "operational",
            new_status: "major_outage",
          },
        ],
      },
    ],
    postmortem: { publishedAt: template.createdAt, body: `# ${payload}\n\n${payload}` },
  }));
  const maintenances = base.maintenances.map((m, i) => ({
    ...m,
    name: XSS_PAYLOADS[i] ?? m.name,
    body: XSS_PAYLOADS[i + 5] ?? m.body,
  }));
  return {
    ...base,
    page: {
      ...base.page,
      name: `${XSS_PAYLOADS[0]} ${XSS_PAYLOADS[2]}`,
      logoUrl: `javascript:alert("xss-logo")`,
      brandColor: `#fff;}</style><script>alert("xss-brand")</script><style>`,
      showResponders: true,
      footerLinks: XSS_PAYLOADS.slice(0, 6).map((payload, i) => ({
        label: payload,
        url: i === 0 ? `https://example.com/"><script>alert("xss-href")</script>` : payload,
      })),
    },
    components: [...base.components, ...components],
    incidents: [...incidents, ...base.incidents],
    maintenances,
  };
}
