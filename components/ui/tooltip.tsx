'use client';

import * as RadixTooltip from '@radix-ui/react-tooltip';
import type { ReactNode } from 'react';

/**
 * A tooltip on a focusable trigger (hover or keyboard focus shows it). When `children` is not
 * itself focusable, it is wrapped in a focusable span so keyboard users can reach the text.
 */
export function Tooltip({ content, children, asChild = false }: { content: ReactNode; children: ReactNode; asChild?: boolean }) {
  return (
    <RadixTooltip.Provider delayDuration={200}>
      <RadixTooltip.Root>
        <RadixTooltip.Trigger asChild>
          {asChild ? (
            children
          ) : (
            <span tabIndex={0} className="inline-flex cursor-help rounded focus-visible:outline-2 focus-visible:outline-brand-600">
              {children}
            </span>
          )}
        </RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content sideOffset={6} className="z-50 max-w-xs rounded-md bg-slate-900 px-2.5 py-1.5 text-xs leading-snug text-white shadow-lg">
            {content}
            <RadixTooltip.Arrow className="fill-slate-900" />
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
