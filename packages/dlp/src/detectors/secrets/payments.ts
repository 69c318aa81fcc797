/**
 * Payments, banking and crypto-exchange credentials. Stripe keys are `sk_`/`rk_` + `live`/`test`
 * + random (docs.stripe.com "API keys"); Square uses `EAAA…`/`sq0atp-` access tokens and
 * `sq0csp-` application secrets; Flutterwave `FLWSECK-`/`FLWPUBK-`; Shippo, Duffel, EasyPost and
 * Braintree carry their own prefixes. Plaid, Finicity, GoCardless, Lob and the exchanges
 * (Coinbase, Kraken, KuCoin, Bittrex) issue bare random strings recognised by the name beside them.
 */
import type { PatternDetector } from '../../types.ts';
import { UUID, keyedSecret, prefixedToken } from './util.ts';

const TAG = 'secret.payments';

export const paymentsDetectors: PatternDetector[] = [
  prefixedToken({
    id: 'stripe-access-token', tag: 'secret.stripe', keywords: ['sk_test', 'sk_live', 'sk_prod', 'rk_test', 'rk_live', 'rk_prod'],
    token: '(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,247}', fixedPrefix: 8, minEntropy: 2,
    description: 'Stripe secret or restricted API key',
  }),
  prefixedToken({
    id: 'stripe-webhook-secret', tag: 'secret.stripe', keywords: ['whsec_'], token: 'whsec_[a-zA-Z0-9+/]{32,64}', boundary: 'delim',
    fixedPrefix: 6, minEntropy: 3.5, description: 'Stripe webhook signing secret',
  }),
  prefixedToken({
    id: 'square-access-token', tag: 'secret.square', keywords: ['sq0atp-', 'eaaa'], token: '(?:EAAA|sq0atp-)[0-9A-Za-z_-]{22,60}',
    boundary: 'delim', fixedPrefix: /^(?:EAAA|sq0atp-)/, minEntropy: 2, description: 'Square access token',
  }),
  prefixedToken({
    id: 'square-secret', tag: 'secret.square', keywords: ['sq0csp-'], token: 'sq0csp-[0-9A-Za-z_-]{43}', boundary: 'delim',
    fixedPrefix: 7, minEntropy: 2, description: 'Square OAuth application secret',
  }),
  prefixedToken({
    id: 'braintree-access-token', tag: TAG, keywords: ['access_token$production$'], token: String.raw`access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}`,
    boundary: 'word', fixedPrefix: 24, description: 'Braintree / PayPal production access token',
  }),
  prefixedToken({
    id: 'flutterwave-secret-key', tag: TAG, keywords: ['flwseck'], token: 'FLWSECK(?:_TEST)?-[a-h0-9]{32}-X', flags: 'gi',
    boundary: 'none', fixedPrefix: /^FLWSECK(?:_TEST)?-/i, minEntropy: 2, description: 'Flutterwave secret key',
  }),
  prefixedToken({
    id: 'flutterwave-public-key', tag: TAG, keywords: ['flwpubk'], token: 'FLWPUBK(?:_TEST)?-[a-h0-9]{32}-X', flags: 'gi',
    boundary: 'none', fixedPrefix: /^FLWPUBK(?:_TEST)?-/i, minEntropy: 2, baseConfidence: 0.7, description: 'Flutterwave public key',
  }),
  prefixedToken({
    id: 'flutterwave-encryption-key', tag: TAG, keywords: ['flwseck'], token: 'FLWSECK(?:_TEST)?-[a-h0-9]{12}', flags: 'gi',
    fixedPrefix: /^FLWSECK(?:_TEST)?-/i, minEntropy: 2, description: 'Flutterwave encryption key',
  }),
  prefixedToken({
    id: 'shippo-api-token', tag: TAG, keywords: ['shippo_'], token: 'shippo_(?:live|test)_[a-fA-F0-9]{40}', fixedPrefix: /^shippo_(?:live|test)_/,
    minEntropy: 2, description: 'Shippo API token',
  }),
  prefixedToken({
    id: 'duffel-api-token', tag: TAG, keywords: ['duffel_'], token: 'duffel_(?:test|live)_[a-zA-Z0-9_=-]{43}', boundary: 'none',
    fixedPrefix: /^duffel_(?:test|live)_/, minEntropy: 2, description: 'Duffel API token',
  }),
  prefixedToken({
    id: 'easypost-api-token', tag: TAG, keywords: ['ezak'], token: 'EZAK[a-zA-Z0-9]{54}', fixedPrefix: 4, minEntropy: 2,
    description: 'EasyPost production API key',
  }),
  prefixedToken({
    id: 'easypost-test-api-token', tag: TAG, keywords: ['eztk'], token: 'EZTK[a-zA-Z0-9]{54}', fixedPrefix: 4, minEntropy: 2,
    description: 'EasyPost test API key',
  }),
  keyedSecret({
    id: 'plaid-api-token', tag: TAG, keywords: ['plaid'], names: 'plaid',
    value: `access-(?:sandbox|development|production)-${UUID}`, fixedPrefix: /^access-\w+-/, description: 'Plaid access token',
  }),
  keyedSecret({ id: 'plaid-client-id', tag: TAG, keywords: ['plaid'], names: 'plaid', value: '[a-z0-9]{24}', minEntropy: 3.5, description: 'Plaid client id' }),
  keyedSecret({ id: 'plaid-secret-key', tag: TAG, keywords: ['plaid'], names: 'plaid', value: '[a-z0-9]{30}', minEntropy: 3.5, description: 'Plaid secret' }),
  keyedSecret({ id: 'finicity-api-token', tag: TAG, keywords: ['finicity'], names: 'finicity', value: '[a-f0-9]{32}', minEntropy: 3, description: 'Finicity API token' }),
  keyedSecret({ id: 'finicity-client-secret', tag: TAG, keywords: ['finicity'], names: 'finicity', value: '[a-z0-9]{20}', minEntropy: 3, description: 'Finicity client secret' }),
  keyedSecret({
    id: 'gocardless-api-token', tag: TAG, keywords: ['gocardless'], names: 'gocardless', value: '(?:live|sandbox)_[a-z0-9_=-]{40}',
    fixedPrefix: /^(?:live|sandbox)_/i, minEntropy: 3, description: 'GoCardless API token',
  }),
  keyedSecret({
    id: 'lob-api-key', tag: TAG, keywords: ['lob'], names: 'lob', value: '(?:live|test)_[a-f0-9]{35}', fixedPrefix: 5, minEntropy: 3,
    description: 'Lob API key',
  }),
  keyedSecret({
    id: 'lob-pub-api-key', tag: TAG, keywords: ['lob'], names: 'lob', value: '(?:test|live)_pub_[a-f0-9]{31}', fixedPrefix: 9, minEntropy: 3,
    baseConfidence: 0.6, description: 'Lob publishable API key',
  }),
  keyedSecret({ id: 'coinbase-access-token', tag: TAG, keywords: ['coinbase'], names: 'coinbase', value: '[a-z0-9_-]{64}', minEntropy: 3.5, description: 'Coinbase access token' }),
  keyedSecret({ id: 'kraken-access-token', tag: TAG, keywords: ['kraken'], names: 'kraken', value: '[a-z0-9/=_+-]{80,90}', minEntropy: 4, description: 'Kraken API key' }),
  keyedSecret({ id: 'kucoin-access-token', tag: TAG, keywords: ['kucoin'], names: 'kucoin', value: '[a-f0-9]{24}', minEntropy: 3, description: 'KuCoin API key' }),
  keyedSecret({ id: 'kucoin-secret-key', tag: TAG, keywords: ['kucoin'], names: 'kucoin', value: UUID, minEntropy: 3, description: 'KuCoin API secret' }),
  keyedSecret({ id: 'bittrex-access-key', tag: TAG, keywords: ['bittrex'], names: 'bittrex', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Bittrex API key' }),
  keyedSecret({ id: 'bittrex-secret-key', tag: TAG, keywords: ['bittrex'], names: 'bittrex', value: '[a-z0-9]{32}', minEntropy: 3, description: 'Bittrex API secret' }),
  keyedSecret({ id: 'binance-api-key', tag: TAG, keywords: ['binance'], names: 'binance', value: '[a-z0-9]{64}', minEntropy: 4, description: 'Binance API key or secret' }),
  keyedSecret({ id: 'paypal-client-secret', tag: TAG, keywords: ['paypal'], names: String.raw`paypal[\w.-]{0,20}secret`, value: '[A-Za-z0-9_-]{80}', minEntropy: 4, description: 'PayPal REST client secret' }),
  prefixedToken({
    id: 'razorpay-key-secret', tag: TAG, keywords: ['rzp_live_', 'rzp_test_'], token: 'rzp_(?:live|test)_[A-Za-z0-9]{14}', fixedPrefix: 9,
    minEntropy: 3, baseConfidence: 0.7, description: 'Razorpay API key id (paired with its secret)',
  }),
];
