/** Join class names, skipping falsy values. (No tailwind-merge: callers pass non-conflicting classes.) */
export function cn(...parts: Array<string | false | null | undefined | 0>): string {
  return parts.filter(Boolean).join(' ');
}
