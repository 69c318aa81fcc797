/**
 * Social, media and consumer-API credentials. Facebook app access tokens are `<app id>|<secret>`,
 * page tokens `EAAM…`/`EAAC…`; the rest (Twitter/X, LinkedIn, Twitch, Etsy, Flickr, NYTimes,
 * Finnhub, Adafruit, Spotify, Instagram) issue bare keys recognised by the provider name.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.social';

export const socialDetectors: PatternDetector[] = [
  {
    id: 'facebook-access-token', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['facebook'],
    pattern: /\b([0-9]{15,16}(?:\||%7C)[0-9a-zA-Z_-]{27,40})(?:[\x60'"\s;,)}\]<&]|\\[nrt]|$)/gi,
    group: 1, baseConfidence: 0.8, minEntropy: 3, isTestValue: (v) => isPlaceholder(v.replace(/^[0-9]+(?:\||%7C)/i, '')),
    description: 'Facebook app access token (app id | app secret)',
  },
  prefixedToken({ id: 'facebook-page-access-token', tag: TAG, keywords: ['eaam', 'eaac'], token: 'EAA[MC][a-zA-Z0-9]{100,400}', fixedPrefix: 4, minEntropy: 4, description: 'Facebook page / user access token' }),
  keyedSecret({ id: 'facebook-secret', tag: TAG, keywords: ['facebook'], names: 'facebook', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Facebook app secret' }),
  keyedSecret({ id: 'twitter-api-key', tag: TAG, keywords: ['twitter'], names: 'twitter', value: '[a-z0-9]{25}', minEntropy: 3, description: 'Twitter/X API key' }),
  keyedSecret({ id: 'twitter-api-secret', tag: TAG, keywords: ['twitter'], names: 'twitter', value: '[a-z0-9]{50}', minEntropy: 3, description: 'Twitter/X API secret' }),
  keyedSecret({ id: 'twitter-access-token', tag: TAG, keywords: ['twitter'], names: 'twitter', value: '[0-9]{15,25}-[a-z0-9]{20,40}', minEntropy: 3, isTestValue: (v) => isPlaceholder(v.slice(v.indexOf('-') + 1)), description: 'Twitter/X access token' }),
  keyedSecret({ id: 'twitter-access-secret', tag: TAG, keywords: ['twitter'], names: 'twitter', value: '[a-z0-9]{45}', minEntropy: 3, description: 'Twitter/X access token secret' }),
  keyedSecret({ id: 'twitter-bearer-token', tag: TAG, keywords: ['twitter'], names: 'twitter', value: 'A{22}[a-z0-9%]{80,100}', fixedPrefix: 22, minEntropy: 3, description: 'Twitter/X bearer token' }),
  keyedSecret({ id: 'linkedin-client-id', tag: TAG, keywords: ['linkedin', 'linked_in', 'linked-in'], names: 'linked[_-]?in', value: '[a-z0-9]{14}', minEntropy: 2, baseConfidence: 0.6, description: 'LinkedIn client id' }),
  keyedSecret({ id: 'linkedin-client-secret', tag: TAG, keywords: ['linkedin', 'linked_in', 'linked-in'], names: 'linked[_-]?in', value: '[a-z0-9]{16}', minEntropy: 2, description: 'LinkedIn client secret' }),
  keyedSecret({ id: 'twitch-api-token', tag: TAG, keywords: ['twitch'], names: 'twitch', value: '[a-z0-9]{30}', minEntropy: 3, description: 'Twitch API token' }),
  keyedSecret({ id: 'etsy-access-token', tag: TAG, keywords: ['etsy'], names: '[Ee]tsy|ETSY', caseSensitive: true, value: '[a-zA-Z0-9]{24}', minEntropy: 3, description: 'Etsy API key' }),
  keyedSecret({ id: 'flickr-access-token', tag: TAG, keywords: ['flickr'], names: 'flickr', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Flickr API key' }),
  keyedSecret({ id: 'nytimes-access-token', tag: TAG, keywords: ['nytimes', 'new-york-times', 'newyorktimes'], names: 'nytimes|new-york-times|newyorktimes', value: '[a-z0-9=_-]{32}', minEntropy: 3, description: 'New York Times API key' }),
  keyedSecret({ id: 'finnhub-access-token', tag: TAG, keywords: ['finnhub'], names: 'finnhub', value: '[a-z0-9]{20}', minEntropy: 3, description: 'Finnhub API token' }),
  keyedSecret({ id: 'adafruit-api-key', tag: TAG, keywords: ['adafruit'], names: 'adafruit', value: '[a-z0-9_-]{32}', minEntropy: 3, description: 'Adafruit IO key' }),
  keyedSecret({ id: 'spotify-client-secret', tag: TAG, keywords: ['spotify'], names: 'spotify', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Spotify client secret' }),
  keyedSecret({ id: 'instagram-access-token', tag: TAG, keywords: ['instagram'], names: 'instagram', value: 'IG[a-z0-9_-]{100,300}', minEntropy: 4, description: 'Instagram Graph access token' }),
  keyedSecret({ id: 'youtube-api-key', tag: TAG, keywords: ['youtube'], names: 'youtube', value: '[a-z0-9_-]{39}', minEntropy: 4, description: 'YouTube Data API key' }),
];
