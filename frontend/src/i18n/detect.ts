export type Lang = 'en' | 'zh-hans';

/** zh, zh-CN, zh-Hans, zh-SG → Simplified Chinese; en-* → English; the first known one wins. */
export function detectLanguage(languages: readonly string[]): Lang {
  for (const l of languages) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-hans';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fill {name} placeholders. */
export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
