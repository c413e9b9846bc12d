/** `isms catalog show <id>` and `isms catalog search <words>`: the control catalogs from the command line. */
import { controlMarkdown } from '../../core/service';
import { catalog as controlCatalog } from '../../core/catalog/catalog';
import { scanReferences } from '../../core/refs/scan';
import { FRAMEWORK_IDS } from '../../core/config';
import { UsageError, didYouMean, nameEdits, type Command } from '../args';
import type { Out } from '../io';

const SUBCOMMANDS = ['show', 'search'];

export const catalog: Command = {
  name: 'catalog',
  synopsis: 'catalog show <id> | search <words>',
  summary: 'show a control, or search the control catalogs',
  usage: ['catalog show <id>', 'catalog search <words...>'],
  description: [
    'show writes a control of any catalog (CSF, ISO27001, ISO27002, SOC2, NHI, SP800-53) as Markdown: its',
    'title, text and crosswalk. The ID is written as in documents: CSF:PR.AA-01, A.5.16, CC6.1, NHI7 ...',
    'search lists the controls in which each word starts the ID or a word of the title.',
  ],
  options: {},
  notes: ['Examples:', '  isms catalog show CSF:PR.AA-01', '  isms catalog search identity management'],
  exitCodes: 'Exit codes: 0 found, 1 not in the catalogs or no match, 2 usage error.',
  run: (args, io) => runCatalog(args.positionals, io),
};

function runCatalog(args: string[], io: Out): number {
  const [sub, ...words] = args;
  if (sub === undefined) throw new UsageError('catalog needs show <id> or search <words>', 'catalog');
  if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown catalog command '${sub}'${didYouMean(sub, SUBCOMMANDS, undefined, nameEdits(sub))}`, 'catalog');
  const cat = controlCatalog();
  if (sub === 'show') {
    if (words.length !== 1) throw new UsageError(`catalog show needs one control ID${words.length ? `, not ${words.length}` : ''}`, 'catalog');
    const refs = scanReferences(words[0], { frameworks: [...FRAMEWORK_IDS], mode: 'list' });
    const ref = refs[0];
    const c = ref && (ref.status === 'ok' || ref.status === 'malformed') ? cat.get(ref.framework, ref.id) : undefined;
    if (!c) {
      io.err(`isms: '${words[0]}' is not in the catalogs${ref?.reason ? `: ${ref.reason}` : ''}${ref?.legacy ? ` (earlier edition; now ${ref.legacy.successors.join(', ')})` : ''}`);
      return 1;
    }
    io.out(controlMarkdown(c));
    return 0;
  }
  if (!words.length) throw new UsageError('catalog search needs words to search for', 'catalog');
  const hits = cat.search(words.join(' '), [...FRAMEWORK_IDS]);
  for (const c of hits) io.out(`${cat.ref(c).padEnd(22)} ${c.title}`);
  if (!hits.length) io.err('isms: no control matches');
  return hits.length ? 0 : 1;
}
