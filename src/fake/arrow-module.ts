// apache-arrow, loaded on first use. Loading it was about 40 % of the fake warehouse's start-up (0.5 s of 1.2 s
// on the loaded development machine), and only result sets need it: a fake that is up but has not yet answered
// a query has not paid for it.
type ApacheArrow = typeof import('apache-arrow');

let loaded: ApacheArrow | undefined;

export function arrow(): ApacheArrow {
  // A synchronous require, so that result building stays synchronous; `import type` elsewhere keeps the types.
  return (loaded ??= require('apache-arrow') as ApacheArrow);
}
