// What every benchmark shares: a run on a quiet machine and a run beside a second CPU-bound
// process (users' CI machines are shared), ratios measured within one run, and one way to print a
// ratio beside its goal.
import { spawn } from 'node:child_process';

/** Starts a child process that spins one core until stopped. */
function startSpinner() {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else {
        child.once('exit', resolve);
        child.kill();
      }
    });
}

/**
 * Runs `measure` twice: on the machine as it is ("quiet"), then with a spinning child beside it
 * ("loaded"). Returns `{ quiet, loaded }`, whatever `measure` returned each time.
 */
export async function quietAndLoaded(measure) {
  const quiet = await measure('quiet');
  const stop = startSpinner();
  // Let the spinner get going before anything is timed.
  await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    const loaded = await measure('loaded');
    return { quiet, loaded };
  } finally {
    await stop();
  }
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median of per-round ratios `numerator[i] / denominator[i]`: drift hits both sides of a round alike. */
export const medianRatio = (numerator, denominator) =>
  median(numerator.map((value, round) => value / denominator[round]));

/**
 * Prints `label: quiet X, loaded Y (goal <= G) met|NOT met` and returns whether both met the goal.
 * `unit` is appended to the figures ('' for ratios, ' ms' for times).
 */
export function reportGoal(label, { quiet, loaded }, goal, unit = '') {
  const met = quiet <= goal && loaded <= goal;
  const digits = unit ? 3 : 2;
  console.log(
    `${label}: quiet ${quiet.toFixed(digits)}${unit}, loaded ${loaded.toFixed(digits)}${unit} (goal <= ${goal}${unit}) ${met ? 'met' : 'NOT met'}`,
  );
  return met;
}
