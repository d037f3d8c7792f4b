// 预标注页面的简体中文；由 zh-hans.ts 合并进同一目录。
import type { prelabelEn } from './prelabel.en';

export const prelabelZhHans: Record<keyof typeof prelabelEn, string> = {
  'nav.prelabel': '预标注',
};
