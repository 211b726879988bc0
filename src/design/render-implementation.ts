// IMPLEMENTATION.md: the guide's sections as Markdown with fenced code.
import type { GuideSection } from "./implementation.ts";

export function implementationMd(service: string, sections: readonly GuideSection[]): string {
  const lines = [
    `# ${service}: implementation guide`, "",
    "TypeScript for the patterns this design relies on, with its own tables, columns, routes and figures (Fastify 5, Kysely, pg). Adapt freely: the numbers come from CAPACITY.md and RELIABILITY.md, the rules from SECURITY.md.", "",
    ...sections.map((s, i) => `${i + 1}. [${s.title}](#${s.id})`), "",
  ];
  for (const section of sections) {
    lines.push(`<a id="${section.id}"></a>`, "", `## ${section.title}`, "", ...section.text.flatMap((t) => [t, ""]));
    for (const block of section.code) lines.push(`\`\`\`${block.lang}`, block.text, "```", "");
  }
  return lines.join("\n");
}
