// A jest reporter for CI: appends one line per test file as it starts and ends to $JEST_PROGRESS_FILE, so a
// run killed by the CI time limit still says which file was running and where the minutes went
// (`scripts/ci/progress-summary.mjs` prints it). Does nothing when the variable is unset.
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');

class ProgressReporter {
  constructor(globalConfig) {
    this.file = process.env.JEST_PROGRESS_FILE;
    this.root = globalConfig.rootDir;
  }

  write(fields) {
    if (!this.file) return;
    appendFileSync(this.file, `${JSON.stringify({ at: new Date().toISOString(), ...fields })}\n`);
  }

  onTestStart(test) {
    this.write({ event: 'start', file: relative(this.root, test.path) });
  }

  onTestResult(test, result) {
    const failed = result.testResults.filter((t) => t.status === 'failed').map((t) => t.fullName);
    this.write({
      event: 'end',
      file: relative(this.root, test.path),
      seconds: (result.perfStats.end - result.perfStats.start) / 1000,
      failed,
      error: result.testExecError ? String(result.testExecError.message).slice(0, 300) : undefined,
    });
  }
}

module.exports = ProgressReporter;
