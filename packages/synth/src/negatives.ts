/**
 * Negatives beyond the 29 Speech Commands words: a broad list of common English words, and words
 * that sound close to the keyword (its near-homophones), whatever the keyword is.
 *
 * A spotter trained only on 29 other words learns "not one of these 29", and on real speech it
 * fires on anything else that is loud and two syllables long. Common words teach "not the
 * keyword" more broadly, and near-homophones teach where the keyword's boundary lies.
 */
import { editDistance } from '@kws/kws-model';

/**
 * About 300 frequent English words of one to three syllables (none of the 30 Speech Commands
 * words), chosen across parts of speech and sound shapes.
 */
export const COMMON_WORDS: readonly string[] = `
about above across act add after again age ago air all almost alone along also always am among
and animal answer any apple area arm around art ask away baby back bad ball bank base basket be
bear beautiful because become been before began begin behind believe bell below best better
between big black blue boat body book born both box boy bread break bring brother brown build
burn busy but buy by call came can car care carry case catch center chair change check child
children city class clean clear close cloud coat cold color come common complete cook cool copy
corn could country course cover cross cry cup cut dance dark day dear deep did different dinner
do doctor does dollar done door draw dream dress drink drive drop dry during each early earth
easy eat edge egg either else end enough even evening ever every example face fact fall family
far farm fast father feel feet few field fill final find fine fire first fish floor flower fly
follow food foot for forest form found free fresh friend from front fruit full fun game garden
gave get girl give glad glass gold good got grass great green ground group grow had hair half
hand hang hard has have he head hear heart heat heavy hello help her here high hill him his hold
hole home hope horse hot hour how hundred hunt idea if in inside into iron is island it its
jump just keep kind king kitchen knew know lady lake land large last late laugh lay lead learn
leave less letter life light like line list listen little live long look lost lot love low made
make man many map mark may me mean meet men middle might mile milk mind minute miss money month
moon more morning most mother mountain move much music must my name near need never new next
nice night noise north nose not note nothing now number ocean often oil old only open or order
other our out over page paper part party pass past pay pen people perhaps person pick picture
piece place plan plant play please point poor power present pretty pull push put question quick
quiet rain ran reach read ready real red remember rest ride ring river road rock room round rule
run said same sat saw say school sea second see seem sell send sentence set shall shape she ship
shoe short should show side sign simple since sing sister sit size sky sleep slow small smile
snow so some song soon sound south space speak special spring square stand star start state
stay step still stone store story street strong study such summer sun sure table take talk tall
teacher tell ten than thank that the their them then there these they thing think this those
though thought through time tiny today together told tomorrow too took top toward town travel
true try turn under until upon us use very visit voice wait walk wall want warm was wash watch
water way we wear weather week well went were west what wheel when where which while white who
whole why wide will wind window winter wish with without woman wonder wood word work world would
write wrong yard year yellow yesterday you young your
`.trim().split(/\s+/);

/** Onsets and vowel spellings that simple edits swap in (English spelling, eSpeak reads them). */
const ONSETS = ['b', 'ch', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 'sh', 't', 'th', 'v', 'w', 'z', 'st', 'bl', 'tr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ee', 'ai', 'oo', 'ay', 'ow', 'ar', 'er'];

/** Splits a word into alternating consonant and vowel letter groups ('sheila' -> sh, ei, l, a). */
function groups(word: string): string[] {
  return word.match(/[aeiouy]+|[^aeiouy]+/g) ?? [word];
}

const isVowel = (g: string): boolean => /^[aeiouy]/.test(g);

/**
 * Spelling edits of `word`: each consonant or vowel group replaced, a group dropped, or the last
 * letter cut. (No suffixes: 'sheilas' holds the whole keyword, and a 1 s window would see it.) Many are not words; eSpeak says them
 * all by its letter-to-sound rules, which is what makes them sound-alikes.
 *
 * @example
 * spellingEdits('sheila').includes('sheena'); // true (l -> n after re-spelling 'ei' as 'ee')
 */
export function spellingEdits(word: string): string[] {
  const g = groups(word);
  const out = new Set<string>();
  g.forEach((part, i) => {
    for (const alt of isVowel(part) ? VOWELS : ONSETS) out.add([...g.slice(0, i), alt, ...g.slice(i + 1)].join(''));
    if (g.length > 2) out.add([...g.slice(0, i), ...g.slice(i + 1)].join(''));
  });
  if (word.length > 3) out.add(word.slice(0, -1));
  out.delete(word);
  return [...out].filter((w) => /^[a-z]{2,}$/.test(w)).sort();
}

/** eSpeak's stress and syllable marks, which {@link phonemeTokens} drops. */
const MARKS = /[',%=]/g;

/** Phoneme tokens of eSpeak's '_'-separated output, stress marks dropped ("S_'i:_l_@" -> S i: l @). */
export function phonemeTokens(phonemes: string): string[] {
  return phonemes.replace(MARKS, '').split(/[_\s]+/).filter((t) => t !== '');
}

/**
 * eSpeak's phonemes as a listener hears them: tokens with every unstressed vowel written '@'
 * (eSpeak marks a stressed vowel with ' or ,), so that edits of an unstressed vowel alone, which
 * speakers reduce to a schwa anyway ('marvin' and 'marven': m 'A@ v I n, m 'A@ v @ n), compare
 * equal.
 *
 * @example
 * reducedTokens("m_'A@_v_I_n"); // ['m', 'A@', 'v', '@', 'n']
 */
export function reducedTokens(phonemes: string): string[] {
  return phonemes
    .split(/[_\s]+/)
    .filter((t) => t.replace(MARKS, '') !== '')
    .map((t) => {
      const bare = t.replace(MARKS, '');
      return /^[aAeEiIoOuUV3@]/.test(bare) && !/[',]/.test(t) ? '@' : bare;
    });
}

/** A letter-to-sound that returns comparable tokens (an engine's `sounds`, or {@link reducedTokens} of eSpeak's). */
export type Sounds = (text: string) => string[];

/**
 * A test of whether a text sounds like `keyword` (equal tokens) under any of `sounds`; the
 * keyword's own tokens are worked out once here, not once per text (Flite's take a run each).
 *
 * @example
 * soundsLikeKeyword('marvin', [flite.sounds])('marrvin'); // true
 */
export function soundsLikeKeyword(keyword: string, sounds: readonly Sounds[]): (text: string) => boolean {
  const targets = sounds.map((s) => s(keyword).join(' '));
  return (text) => sounds.some((s, i) => s(text).join(' ') === targets[i]);
}

/**
 * Near-homophones of `keyword` (a word or short phrase): spelling edits of each of its words
 * whose pronunciation is one or two phonemes away from the keyword's, never zero (a respelling
 * that sounds the same, like 'sheela' for 'sheila', would be the keyword labelled as a negative).
 * `phonemize` is eSpeak's letter-to-sound, which chooses the edits; an edit is then also dropped
 * when it sounds like the keyword under any of `sounds` (the engines that will speak it, and
 * eSpeak with unstressed vowels reduced): a synthesizer whose own letter-to-sound says 'marven'
 * as 'marvin' would otherwise teach that the keyword is not the keyword. Sorted, so the list is
 * a function of the keyword and the synthesizers alone.
 *
 * @example
 * nearHomophones('sheila', (t) => espeak.phonemes(t)); // ['sheena', 'shela', 'sheilas', ...]
 */
export function nearHomophones(keyword: string, phonemize: (text: string) => string, sounds: readonly Sounds[] = []): string[] {
  const target = phonemeTokens(phonemize(keyword));
  const likeKeyword = soundsLikeKeyword(keyword, sounds);
  const words = keyword.split(' ');
  const out = new Set<string>();
  words.forEach((w, i) => {
    for (const edit of spellingEdits(w)) {
      const text = [...words.slice(0, i), edit, ...words.slice(i + 1)].join(' ');
      const d = editDistance(phonemeTokens(phonemize(text)), target);
      if (d >= 1 && d <= 2 && !likeKeyword(text)) out.add(text);
    }
  });
  return [...out].sort();
}
