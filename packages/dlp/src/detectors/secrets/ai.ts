/**
 * AI and ML platform keys. OpenAI keys embed `T3BlbkFJ` (base64 of "OpenAI") between two random
 * halves (`sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`); Anthropic keys are
 * `sk-ant-api03-`/`sk-ant-admin01-` + 93 characters + `AA`; Hugging Face `hf_` / `api_org_` +
 * 34 letters; Perplexity `pplx-` + 48; Groq `gsk_` + 52; Replicate `r8_` + 37; xAI `xai-` + 80;
 * LangSmith `lsv2_pt_`/`lsv2_sk_`. Cohere and others are recognised by name.
 */
import type { PatternDetector } from '../../types.ts';
import { isPlaceholder, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.ai';

export const aiDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'openai-api-key', tag: TAG, keywords: ['t3blbkfj'], boundary: 'delim', minEntropy: 3,
    token: 'sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}T3BlbkFJ[A-Za-z0-9_-]{40,200}|[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})',
    fixedPrefix: /^sk-(?:proj-|svcacct-|admin-)?/, description: 'OpenAI API key',
  }),
  prefixedToken({
    id: 'anthropic-api-key', tag: TAG, keywords: ['sk-ant-api03'], token: 'sk-ant-api03-[a-zA-Z0-9_-]{93}AA', boundary: 'delim',
    fixedPrefix: 13, minEntropy: 3.5, isTestValue: anthropicPlaceholder, description: 'Anthropic API key',
  }),
  prefixedToken({
    id: 'anthropic-admin-api-key', tag: TAG, keywords: ['sk-ant-admin01'], token: 'sk-ant-admin01-[a-zA-Z0-9_-]{93}AA', boundary: 'delim',
    fixedPrefix: 15, minEntropy: 3.5, isTestValue: anthropicPlaceholder, description: 'Anthropic Admin API key',
  }),
  prefixedToken({
    id: 'huggingface-access-token', tag: TAG, keywords: ['hf_'], token: 'hf_[a-zA-Z]{34}', boundary: 'delim', fixedPrefix: 3,
    minEntropy: 3.5, validate: mixedCaseLetters, description: 'Hugging Face user access token',
  }),
  prefixedToken({
    id: 'huggingface-organization-api-token', tag: TAG, keywords: ['api_org_'], token: 'api_org_[a-zA-Z]{34}', boundary: 'delim',
    fixedPrefix: 8, minEntropy: 3.5, validate: mixedCaseLetters, description: 'Hugging Face organisation API token',
  }),
  prefixedToken({
    id: 'perplexity-api-key', tag: TAG, keywords: ['pplx-'], token: 'pplx-[a-zA-Z0-9]{48}', fixedPrefix: 5, minEntropy: 4,
    description: 'Perplexity API key',
  }),
  prefixedToken({ id: 'groq-api-key', tag: TAG, keywords: ['gsk_'], token: 'gsk_[a-zA-Z0-9]{52}', fixedPrefix: 4, minEntropy: 4, description: 'Groq API key' }),
  prefixedToken({ id: 'replicate-api-token', tag: TAG, keywords: ['r8_'], token: 'r8_[a-zA-Z0-9]{37}', boundary: 'delim', fixedPrefix: 3, minEntropy: 4, description: 'Replicate API token' }),
  prefixedToken({ id: 'xai-api-key', tag: TAG, keywords: ['xai-'], token: 'xai-[a-zA-Z0-9]{80}', fixedPrefix: 4, minEntropy: 4, description: 'xAI (Grok) API key' }),
  prefixedToken({
    id: 'langsmith-api-key', tag: TAG, keywords: ['lsv2_'], token: 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}', fixedPrefix: 8, minEntropy: 3,
    description: 'LangSmith API key',
  }),
  keyedSecret({
    id: 'cohere-api-token', tag: TAG, keywords: ['cohere', 'co_api_key'], names: 'cohere|co_api_key', value: '[a-zA-Z0-9]{40}',
    minEntropy: 4, description: 'Cohere API key',
  }),
  keyedSecret({
    id: 'mistral-api-key', tag: TAG, keywords: ['mistral'], names: 'mistral', value: '[a-zA-Z0-9]{32}', minEntropy: 4,
    description: 'Mistral AI API key',
  }),
  keyedSecret({
    id: 'privateai-api-token', tag: TAG, keywords: ['privateai', 'private_ai', 'private-ai'], names: 'private[_-]?ai', value: '[a-z0-9]{32}',
    minEntropy: 3, description: 'Private AI API key',
  }),
];

/** Anthropic keys end with the fixed `AA`; test the random middle only. */
function anthropicPlaceholder(value: string): boolean {
  const body = value.slice(value.indexOf('-', 7) + 1, -2);
  return isPlaceholder(body);
}

/** Generated tokens of letters only mix upper and lower case; identifiers in one case do not. */
function mixedCaseLetters(value: string): boolean {
  const body = value.slice(value.lastIndexOf('_') + 1);
  return /[a-z]/.test(body) && /[A-Z]/.test(body);
}
