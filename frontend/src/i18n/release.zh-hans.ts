// release 页面的简体中文；由 zh-hans.ts 合并进同一目录。
import type { releaseEn } from './release.en';

export const releaseZhHans: Record<keyof typeof releaseEn, string> = {
  'nav.release': '数据集发布',
};
