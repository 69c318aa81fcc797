/** URLs: anything with an http(s)/ftp scheme, and bare host names whose top-level domain is a
 *  registered gTLD or country code (file extensions such as ".py" or ".md" are excluded, since
 *  "setup.py" is not a web address). Trailing sentence punctuation is not part of a URL. */
import type { PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const GTLDS = 'com|org|net|edu|gov|mil|int|info|biz|name|pro|aero|coop|museum|mobi|travel|jobs|io|ai|app|dev|cloud|online|site|tech|store|shop|xyz|blog|news|media|live|page|web|world|global|email|space|website|agency|digital|company|solutions|services|network|systems';
// ISO 3166 codes used as ccTLDs, minus those that collide with common file extensions
const CCTLDS = 'ac|ad|ae|af|ag|al|ao|aq|ar|at|au|aw|ax|az|ba|bb|bd|be|bf|bg|bh|bi|bj|bm|bn|bo|br|bs|bt|bw|by|bz|ca|cd|cf|cg|ch|ci|ck|cl|cm|cn|co|cr|cu|cv|cw|cx|cy|cz|de|dj|dk|dm|do|dz|ec|ee|eg|er|es|et|eu|fi|fj|fk|fm|fo|fr|ga|gb|gd|ge|gf|gg|gh|gi|gl|gm|gn|gp|gq|gr|gt|gu|gw|gy|hk|hn|hr|ht|hu|id|ie|il|im|in|iq|ir|is|it|je|jm|jo|jp|ke|kg|kh|ki|km|kn|kp|kr|kw|ky|kz|la|lb|lc|li|lk|lr|ls|lt|lu|lv|ly|ma|mc|me|mg|mn|mo|mq|mr|ms|mt|mu|mv|mw|mx|my|mz|na|nc|ne|nf|ng|ni|nl|no|np|nr|nu|nz|om|pa|pe|pf|pg|ph|pk|pn|pr|pt|pw|qa|re|ro|ru|rw|sa|sb|sc|sd|se|sg|si|sk|sl|sm|sn|sr|st|su|sv|sx|sy|sz|tc|td|tf|tg|th|tj|tk|tl|tm|tn|to|tr|tt|tv|tw|tz|ua|ug|uk|us|uy|uz|va|vc|ve|vg|vi|vn|vu|wf|ws|ye|yt|za|zm|zw';

const SCHEME_URL = String.raw`(?<![A-Za-z0-9])(?:https?|ftp)://[^\s<>"'\x60{}|\\^\[\]]{1,2048}`;
// A manifest's or Kubernetes object's `apiVersion: trellis.dev/v1` names a schema, not an address.
const NOT_AN_API_VERSION = String.raw`(?<!\bapiVersion["']?\s{0,4}[:=]\s{0,4}["']?)`;
const BARE_HOST = String.raw`(?<![A-Za-z0-9@.\-/_])${NOT_AN_API_VERSION}(?:[A-Za-z0-9\-]{1,63}\.){1,6}(?:${GTLDS}|${CCTLDS})(?![A-Za-z0-9\-_@]|\.[A-Za-z0-9])(?:/[^\s<>"'\x60{}|\\^\[\]]{0,2048})?`;
const PLACEHOLDER = /^(?:https?:\/\/)?(?:[a-z0-9-]+\.)*(?:example\.(?:com|org|net)|localhost)(?:[:/]|$)/i;

/** Drops trailing punctuation that ends the sentence rather than the URL. */
export function trimUrl(value: string): number {
  let end = value.length;
  while (end > 0 && '.,;:!?)\'"'.includes(value[end - 1]!)) {
    if (value[end - 1] === ')' && value.slice(0, end).split('(').length > value.slice(0, end).split(')').length - 1) break;
    end--;
  }
  return end;
}

export const urlDetector: PatternDetector = {
  id: 'url',
  entity: 'URL',
  kind: 'pii',
  tag: 'pii.url',
  keywords: [],
  // anchor: a scheme's `://`, or the dot before a letter (the top-level domain's dot is one); the
  // engine widens each window over the characters a URL may hold (the pattern's alphabet), which
  // reaches the scheme or first label before it and the path after, so no margin is needed
  anchor: { kind: 'pattern', pattern: /:\/\/|\.[A-Za-z]/g, before: 0, after: 0 },
  trigger: { anyOf: '.' },
  pattern: re(`${SCHEME_URL}|${BARE_HOST}`, 'i'),
  trim: trimUrl,
  baseConfidence: 0.5,
  validate: (v) => (/^[a-z]+:\/\//i.test(v) ? (/^[a-z]+:\/\/[^/]*[A-Za-z0-9]\.[A-Za-z]/i.test(v) || /^[a-z]+:\/\/\[?[0-9a-f:.]+/i.test(v) ? 0.6 : false) : 0.5),
  context: ['url', 'link', 'website', 'site', 'http'],
  isTestValue: (v) => PLACEHOLDER.test(v),
  description: 'URL or host name',
};
