import yargs, { type Argv } from 'yargs';
import { BACKEND_CHOICES, parseBackendChoice, versions } from './backends.js';
import { runBench } from './commands/bench.js';
import { runEvaluate } from './commands/evaluate.js';
import { EXPLAIN_METHODS, runExplain } from './commands/explain.js';
import { federateCommand } from './commands/federate.js';
import { flowerClientCommand } from './commands/flower-client.js';
import { runInfo } from './commands/info.js';
import { runPredict } from './commands/predict.js';
import { runTrain } from './commands/train.js';
import { DATASET_NAMES } from './datasets.js';
import { ParserError, UsageError, fsUsageError, isUsageError, oneLine } from './errors.js';
import { OPTIMIZERS } from './models.js';
import { checkOptionValues, type OptionTable } from './option-values.js';
import { makeUi, type GlobalOptions, type Ui } from './ui.js';

const COMMANDS = ['info', 'train', 'evaluate', 'predict', 'explain', 'federate', 'flower-client', 'bench', 'completion'];

interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function globals(argv: Record<string, unknown>): GlobalOptions {
  const backend = parseBackendChoice(argv.backend);
  const threads = argv.threads as number | undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) {
    throw new UsageError(`--threads must be an integer from 1 to 256, got ${Number.isNaN(threads) ? 'a non-number' : threads}`);
  }
  return { backend, threads, json: Boolean(argv.json), quiet: Boolean(argv.quiet), verbose: Boolean(argv.verbose) };
}

/** yargs' own errors (YError): what it could not parse on the command line. */
const isYargsError = (e: unknown): e is Error => e instanceof Error && e.name === 'YError';

/** "Not enough arguments following: epochs" (an option at the end of the line, or before another option) names the flag. */
function yargsMessage(message: string): string {
  const missing = /^Not enough arguments following: (\S+)$/.exec(message);
  return missing ? `${missing[1].length === 1 ? '-' : '--'}${missing[1]} needs a value` : message;
}

/**
 * What the command line named that could be a path: every word and every
 * option value (csv:PATH without its prefix). File-system errors on these are
 * the user's to fix.
 */
function namedPaths(args: string[]): string[] {
  return args.flatMap((a) => {
    const value = a.startsWith('-') ? (a.includes('=') ? a.slice(a.indexOf('=') + 1) : '') : a;
    return value === '' ? [] : value.startsWith('csv:') ? [value, value.slice(4)] : [value];
  });
}

function parser(args: string[], run: (f: (g: GlobalOptions, ui: Ui) => Promise<number>, argv: Record<string, unknown>) => Promise<void>): Argv {
  return yargs(args)
    .scriptName('neurite')
    .usage('$0 <command> [options]\n\nTrain and run neural networks; the backend is picked at run time.')
    .option('backend', {
      type: 'string',
      requiresArg: true,
      describe: `${BACKEND_CHOICES.join(', ')} (auto: wasm SIMD > scalar > js)`,
      default: process.env.NEURITE_BACKEND?.trim() || 'auto',
      defaultDescription: '$NEURITE_BACKEND or auto',
      global: true,
    })
    .option('threads', { type: 'number', requiresArg: true, describe: 'Threads for large wasm matMuls', global: true })
    .option('json', { type: 'boolean', describe: 'One JSON object on stdout, nothing else', default: false, global: true })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress or notes', default: false, global: true })
    .option('verbose', { type: 'boolean', describe: 'More detail; stacks with errors', default: false, global: true })
    .command(
      'info',
      'Backends, whether each starts, features; versions; what auto picks',
      (y) => y.example('$0 info --json', 'the same as one JSON object'),
      (argv) => run((g, ui) => runInfo(g, ui), argv),
    )
    .command(
      'train',
      'Train a model: results table, --out saves it, --plot draws curves',
      (y) =>
        y
          .option('model', { alias: 'm', type: 'string', requiresArg: true, describe: 'xor, linear, mlp, cnn (mnist), or a model-config .json', defaultDescription: 'from the dataset' })
          .option('dataset', { alias: 'd', type: 'string', requiresArg: true, describe: `${DATASET_NAMES.join(', ')}`, defaultDescription: 'from the model, else mnist' })
          .option('target', { type: 'string', requiresArg: true, describe: 'CSV column to predict', defaultDescription: 'last column' })
          .option('epochs', { alias: 'e', type: 'number', requiresArg: true, describe: 'Passes over the training data', defaultDescription: 'per dataset' })
          .option('batch-size', { alias: 'b', type: 'number', requiresArg: true, describe: 'Examples per step', defaultDescription: 'per dataset' })
          .option('optimizer', { type: 'string', requiresArg: true, describe: Object.keys(OPTIMIZERS).join(', '), default: 'adam' })
          .option('lr', { type: 'number', requiresArg: true, describe: 'Learning rate', defaultDescription: 'per dataset' })
          .option('seed', { type: 'number', requiresArg: true, describe: 'Weights, shuffling, splits, dropout', default: 42 })
          .option('validation-split', { type: 'number', requiresArg: true, describe: 'Fraction held out for validation', default: 0 })
          .option('limit', { type: 'number', requiresArg: true, describe: 'At most N train and N test examples' })
          .option('out', { alias: 'o', type: 'string', requiresArg: true, describe: 'Save the model here (atomic checkpoints; other files there are kept)' })
          .option('force', { type: 'boolean', describe: 'Replace a model.json in --out that Neurite did not write', default: false })
          .option('plot', { type: 'string', requiresArg: true, describe: 'Write loss/accuracy curves (.png or .svg)' })
          .example('$0 train', 'an MLP on MNIST')
          .example('$0 train -m xor --json', 'XOR, results as JSON')
          .example('$0 train -d iris -o iris --plot c.png', 'Iris, saved and plotted')
          .example('$0 train -d csv:a.csv --target y', 'a CSV file, column y'),
      (argv) =>
        run(
          (g, ui) =>
            runTrain(
              {
                model: argv.model,
                dataset: argv.dataset,
                target: argv.target,
                epochs: argv.epochs,
                batchSize: argv['batch-size'] as number | undefined,
                optimizer: argv.optimizer,
                lr: argv.lr,
                seed: argv.seed,
                validationSplit: argv['validation-split'] as number,
                limit: argv.limit,
                out: argv.out,
                force: argv.force,
                plot: argv.plot,
              },
              g,
              ui,
            ),
          argv,
        ),
    )
    .command(
      'evaluate <model>',
      'Loss and accuracy of a saved model on a test split or labelled rows',
      (y) =>
        y
          .positional('model', { type: 'string', describe: 'Directory from train --out', demandOption: true })
          .option('dataset', { alias: 'd', type: 'string', requiresArg: true, describe: "This dataset's test split", defaultDescription: 'as trained' })
          .option('input', { alias: 'i', type: 'string', requiresArg: true, describe: "CSV/JSON with targets ('-': stdin)" })
          .option('target', { type: 'string', requiresArg: true, describe: 'Target column of a CSV input', defaultDescription: 'as trained' })
          .option('limit', { type: 'number', requiresArg: true, describe: 'At most N examples' })
          .example('$0 evaluate iris', 'on the test split of its training run')
          .example('$0 evaluate iris -i rows.csv', 'on labelled rows'),
      (argv) => run((g, ui) => runEvaluate({ modelDir: argv.model as string, dataset: argv.dataset, input: argv.input, target: argv.target, limit: argv.limit }, g, ui), argv),
    )
    .command(
      'predict <model>',
      'Predictions of a saved model for CSV or JSON rows (file or stdin)',
      (y) =>
        y
          .positional('model', { type: 'string', describe: 'Directory from train --out', demandOption: true })
          .option('input', { alias: 'i', type: 'string', requiresArg: true, describe: 'CSV or JSON rows', defaultDescription: 'stdin' })
          .example('$0 predict iris -i rows.csv', 'class and probability per row')
          .example("echo '[[0,1]]' | $0 predict xor", 'rows on stdin'),
      (argv) => run((g, ui) => runPredict({ modelDir: argv.model as string, input: argv.input }, g, ui), argv),
    )
    .command(
      'explain',
      'Attributions of a saved model for examples (heatmaps for images), or global explanations',
      (y) =>
        y
          .option('model', { alias: 'm', type: 'string', requiresArg: true, describe: 'Directory from train --out', demandOption: true })
          .option('method', { type: 'string', requiresArg: true, describe: EXPLAIN_METHODS.join(', '), demandOption: true })
          .option('input', { alias: 'i', type: 'string', requiresArg: true, describe: "CSV or JSON rows to explain ('-': stdin)" })
          .option('index', { type: 'string', requiresArg: true, describe: 'Rows of the test split: 3, 0,5,9 or 0-7' })
          .option('out', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write attributions.json and heatmaps.png / charts (.svg or .png) here' })
          .option('format', { type: 'string', requiresArg: true, describe: 'Bar charts and partial dependence: svg or png', defaultDescription: 'svg' })
          .option('target', { type: 'string', requiresArg: true, describe: 'Class to explain', defaultDescription: 'the predicted class' })
          .option('steps', { type: 'number', requiresArg: true, describe: 'ig: path steps; pdp: grid points', defaultDescription: '50 / 20' })
          .option('samples', { type: 'number', requiresArg: true, describe: 'smoothgrad, kernelshap, lime: samples; permutation: repeats' })
          .option('feature', { type: 'string', requiresArg: true, describe: 'pdp: feature name or index', defaultDescription: 'the first' })
          .option('layer', { type: 'string', requiresArg: true, describe: 'gradcam: layer with an image output', defaultDescription: 'the last convolution' })
          .option('limit', { type: 'number', requiresArg: true, describe: 'At most N test examples (permutation, pdp)' })
          .example('$0 explain -m mnist --method ig --index 0-3 -o out', 'heatmaps of four test digits in out/heatmaps.png')
          .example('$0 explain -m iris --method kernelshap -i rows.csv', 'Shapley values per feature')
          .example('$0 explain -m iris --method permutation -o out', 'feature importance on the test split'),
      (argv) =>
        run(
          (g, ui) =>
            runExplain(
              {
                modelDir: argv.model as string,
                method: argv.method as string,
                input: argv.input,
                index: argv.index === undefined ? undefined : String(argv.index),
                out: argv.out,
                target: argv.target === undefined ? undefined : String(argv.target),
                steps: argv.steps,
                samples: argv.samples,
                feature: argv.feature === undefined ? undefined : String(argv.feature),
                layer: argv.layer === undefined ? undefined : String(argv.layer),
                limit: argv.limit,
                format: argv.format === undefined ? undefined : String(argv.format),
              },
              g,
              ui,
            ),
          argv,
        ),
    )
    .command(federateCommand(run))
    .command(flowerClientCommand(run))
    .command(
      'bench',
      'Run the benchmark suites of a repository checkout (bench/)',
      (y) =>
        y
          .option('short', { type: 'boolean', describe: 'Fewer samples (the CI run)', default: false })
          .option('gate', { type: 'boolean', describe: 'Fail when a ratio is below its floor', default: false })
          .option('suite', { type: 'string', requiresArg: true, describe: 'Only these suites (comma-separated)' })
          .option('seed', { type: 'number', requiresArg: true, describe: 'Seed of the generated inputs' })
          .example('$0 bench --suite matmul', 'matMul: neurite backends vs tfjs'),
      (argv) => run((g, ui) => runBench({ short: argv.short, gate: argv.gate, suite: argv.suite, seed: argv.seed }, g, ui), argv),
    )
    .completion('completion', 'Print a bash/zsh completion script (neurite completion >> ~/.bashrc)')
    .group(['backend', 'threads', 'json', 'quiet', 'verbose', 'help', 'version'], 'Global options:')
    .demandCommand(1, 'give a command: info, train, evaluate, predict, explain, federate, flower-client or bench')
    .strict()
    // Global, so it sees each command's options too; after strict, so unknown names are reported first.
    .check((argv, options) => {
      checkOptionValues(argv, options as unknown as OptionTable, args);
      return true;
    }, true)
    .help()
    .alias('help', 'h')
    .version(versions().neurite ?? '0.0.0')
    .epilog('Environment: NEURITE_BACKEND sets the default backend. Errors in the input exit with code 2, Ctrl-C during training with 130.')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err === undefined || err === null ? new ParserError(msg) : isYargsError(err) ? new ParserError(yargsMessage(err.message)) : err;
    });
}

/**
 * Runs the command line on `args` and resolves with the exit code: 0 done,
 * 1 a failure that is not the user's, 2 bad input (one line, no stack
 * unless --verbose), 130 interrupted.
 */
export async function main(args: string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code = 0;
  let verbose = args.includes('--verbose');
  const run = async (f: (g: GlobalOptions, ui: Ui) => Promise<number>, argv: Record<string, unknown>) => {
    const g = globals(argv);
    verbose = g.verbose;
    code = await f(g, makeUi(g, streams));
  };
  try {
    await parser(args, run).parseAsync();
    return code;
  } catch (raw) {
    const e = fsUsageError(raw, namedPaths(args)) ?? raw;
    const usage = isUsageError(e);
    let message = oneLine(e instanceof Error ? e.message : String(e));
    if (e instanceof ParserError) {
      // yargs' own messages ("Unknown argument: x") get a pointer to what is accepted.
      const command = args.find((a) => COMMANDS.includes(a));
      message = `${message.replace(/\.$/, '')} - see neurite ${command ? `${command} ` : ''}--help`;
    }
    streams.stderr.write(`neurite: ${message}${usage || verbose ? '' : ' (--verbose shows the stack)'}\n`);
    if (verbose && raw instanceof Error && raw.stack) streams.stderr.write(`${raw.stack}\n`);
    return usage ? 2 : 1;
  }
}
