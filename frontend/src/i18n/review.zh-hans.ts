// review 页面的简体中文；由 zh-hans.ts 合并进同一目录。
import type { reviewEn } from './review.en';

export const reviewZhHans: Record<keyof typeof reviewEn, string> = {
  'nav.review': '审核',
};
