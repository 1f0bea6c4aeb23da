import { describe, expect, it } from 'vitest';
import { kubernetesEnvironment } from './environment.js';

const evaluate = (expr: string): unknown => kubernetesEnvironment().parse(expr)({});

// Modelled on the examples of k8s.io/apiserver/pkg/cel/library/urls.go and Go's net/url tests.
describe('URL library', () => {
  it.each([
    ["isURL('https://user:pass@example.com:80/path?query=val#fragment')", true],
    ["isURL('/absolute-path')", true],
    ["isURL('*')", true],
    ["isURL('mailto:someone@example.com')", true],
    ["isURL('http://[fe80::1%25en0]:8080/')", true],
    ["isURL('https://a:b:c/')", false],
    ["isURL('../relative-path')", false],
    ["isURL('relative')", false],
    ["isURL('')", false],
    ["isURL(':foo')", false],
    ["isURL('http://exa mple.com/')", false],
    ["isURL('http://%41.com/')", false],
    ["isURL('http://[::1/')", false],
    ["isURL('http://x/%zz')", false],
    ["isURL('http://u ser@x/')", false],
    ["isURL('http://x/\\u0001')", false],
    ["url('/path').getScheme()", ''],
    ["url('HTTPS://example.com/').getScheme()", 'https'],
    ["url('https://example.com:80/').getHost()", 'example.com:80'],
    ["url('https://example.com/').getHost()", 'example.com'],
    ["url('https://[::1]:80/').getHost()", '[::1]:80'],
    ["url('https://[::1]/').getHost()", '[::1]'],
    ["url('/path').getHost()", ''],
    ["url('https://example.com:80/').getHostname()", 'example.com'],
    ["url('https://127.0.0.1:80/').getHostname()", '127.0.0.1'],
    ["url('https://[::1]:80/').getHostname()", '::1'],
    ["url('/path').getHostname()", ''],
    ["url('https://example.com:80/').getPort()", '80'],
    ["url('https://example.com/').getPort()", ''],
    ["url('/path').getPort()", ''],
    ["url('https://example.com/path').getEscapedPath()", '/path'],
    ["url('https://example.com/path with spaces/').getEscapedPath()", '/path%20with%20spaces/'],
    ["url('https://example.com/a%2fb').getEscapedPath()", '/a%2fb'],
    ["url('https://example.com/caf%C3%A9').getEscapedPath()", '/caf%C3%A9'],
    ["url('https://example.com').getEscapedPath()", ''],
    ["url('https://example.com/path#frag').getEscapedPath()", '/path'],
    [
      "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()",
      new Map([
        ['k1', ['a']],
        ['k2', ['b', 'c']],
      ]),
    ],
    ["url('https://example.com/path?key with spaces=value with spaces').getQuery()", new Map([['key with spaces', ['value with spaces']]])],
    [
      "url('https://example.com/path?a=1+2&b=%zz&c;d=3&e').getQuery()",
      new Map([
        ['a', ['1 2']],
        ['e', ['']],
      ]),
    ],
    ["url('https://example.com/path?k=v#f=g').getQuery()", new Map([['k', ['v']]])],
    ["url('https://example.com/path?').getQuery()", new Map()],
    ["url('https://example.com/path').getQuery()", new Map()],
    ["url('https://example.com/a b') == url('https://example.com/a%20b')", true],
    ["url('https://example.com/a') == url('https://example.com/b')", false],
    ["url('https://u@example.com/') == url('https://v@example.com/')", false],
    ["url('https:/path') == url('https:///path')", false],
    ["url('https://example.com/?') == url('https://example.com/')", false],
  ])('%s is %s', (expr, want) => {
    expect(evaluate(expr)).toEqual(want);
  });

  it.each([
    ["url('https://a:b:c/')", 'URL parse error during conversion from string: parse "https://a:b:c/": invalid port ":c" after host'],
    ["url('../relative-path')", 'URL parse error during conversion from string: parse "../relative-path": invalid URI for request'],
    ["url('')", 'URL parse error during conversion from string: parse "": empty url'],
    ["url(':x')", 'URL parse error during conversion from string: parse ":x": missing protocol scheme'],
    ["url('http://x y/')", 'URL parse error during conversion from string: parse "http://x y/": invalid character " " in host name'],
    ["url('http://x/%zz')", 'URL parse error during conversion from string: parse "http://x/%zz": invalid URL escape "%zz"'],
    ["url('http://[::1/')", 'URL parse error during conversion from string: parse "http://[::1/": missing \']\' in host'],
    ["url('http://x/#%zz')", 'URL parse error during conversion from string: parse "http://x/#%zz": invalid URL escape "%zz"'],
  ])('%s fails', (expr, message) => {
    expect(() => evaluate(expr)).toThrow(message);
  });
});
