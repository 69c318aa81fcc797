import { describe, expect, it } from 'vitest';
import { toJSONText } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('uri', () => {
  it('parses with Go net/url rules', () => {
    expect(toJSONText(call('uri.parse', 'https://example.com:8080/api?q=1#top')!)).toBe(
      '{"fragment":"top","hostname":"example.com","path":"/api","port":"8080","raw_path":"/api","raw_query":"q=1","scheme":"https"}',
    );
    expect(toJSONText(call('uri.parse', 'https://example.com/p%2Fq')!)).toBe('{"hostname":"example.com","path":"/p/q","raw_path":"/p%2Fq","scheme":"https"}');
    expect(toJSONText(call('uri.parse', 'http://[::1]:80/')!)).toContain('"hostname":"::1"');
    expect(errorOf('uri.parse', 'http://exa%6dple.com/').message).toBe('uri.parse: parse "http://exa%6dple.com/": invalid URL escape "%6d"');
    expect(call('uri.is_valid', 'http://[invalid')).toBe(false);
    expect(call('uri.is_valid', '')).toBe(false);
    expect(call('uri.is_valid', 'mailto:a@b')).toBe(true);
  });
});
