import type { ReactNode } from 'react';
import classes from './Facts.module.css';

/** Named facts, a term beside its value, that wrap rather than widen their box. */
export function Facts({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <dl className={classes.facts} data-testid={testId}>
      {children}
    </dl>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className={classes.term}>{label}</dt>
      <dd className={classes.value}>{children}</dd>
    </>
  );
}
