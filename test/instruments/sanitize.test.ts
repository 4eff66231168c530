import { describe, expect, it } from 'vitest';
import { containsMarkup, markupProblems } from '../../server/instruments/sanitize.js';

describe('containsMarkup', () => {
  it.each([
    ['an opening tag', 'Read <strong>this</strong>'],
    ['a closing tag alone', 'end</p>'],
    ['a self-closing tag', 'line<br/>break'],
    ['a tag with attributes', '<a href="https://example.org">x</a>'],
    ['a named entity', 'Smith &amp; Jones'],
    ['a decimal entity', 'Don&#39;t know'],
    ['a hexadecimal entity', 'Don&#x27;t know'],
  ])('finds %s', (_what, text) => {
    expect(containsMarkup(text)).toBe(true);
  });

  it.each([
    ['plain text', 'How many cases did your office charge in 2018?'],
    ['an apostrophe and a dash', "Don't know — or not sure"],
    ['a comparison with a number', 'Offices with <5 prosecutors or >100 cases'],
    ['an ampersand without a semicolon', 'AT&T and R&D'],
    ['an empty string', ''],
  ])('finds none in %s', (_what, text) => {
    expect(containsMarkup(text)).toBe(false);
  });
});

describe('markupProblems', () => {
  describe('allows', () => {
    it.each([
      [
        'paragraphs and emphasis',
        '<p>Please answer for <strong>2018</strong>, <em>not</em> <b>2019</b> or <i>2017</i>.</p>',
      ],
      ['line breaks in every spelling', 'one<br>two<br/>three<br />four'],
      ['lists', '<ul><li>one</li></ul><ol><li>two</li></ol>'],
      ['an https link', '<a href="https://survey.example.org/faq?x=1#top">FAQ</a>'],
      ['a mailto link', '<a href="mailto:study@example.org">write to us</a>'],
      [
        'a link quoted with single quotes or not quoted',
        "<a href='https://example.org'>a</a> <a href=https://example.org>b</a>",
      ],
      ['tags in capitals', '<P><STRONG>Note</STRONG> <A HREF="https://example.org">link</A></P>'],
      ['entities, which are text once rendered', '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;'],
      ['plain text', 'How many cases did your office charge in 2018?'],
    ])('%s', (_what, text) => {
      expect(markupProblems(text)).toEqual([]);
    });
  });

  describe('refuses', () => {
    it.each([
      ['a script', '<script>alert(1)</script>', '<script> is not allowed'],
      ['an image', '<img src="https://example.org/x.png">', '<img> is not allowed'],
      ['an iframe', '<iframe src="https://example.org"></iframe>', '<iframe> is not allowed'],
      ['a style element', '<style>body { display: none }</style>', '<style> is not allowed'],
      ['a span', '<span>x</span>', '<span> is not allowed'],
      ['a form input', '<input name="x">', '<input> is not allowed'],
      ['an svg, whatever its case', '<SVG onload="alert(1)"></SVG>', '<svg> is not allowed'],
    ])('%s', (_what, text, problem) => {
      expect(markupProblems(text)).toContain(problem);
    });

    it('every disallowed tag once, however often it opens and closes', () => {
      expect(markupProblems('<span>a</span><div>b</div><span>c</span>')).toEqual([
        '<span> is not allowed',
        '<div> is not allowed',
      ]);
    });

    it.each([
      ['javascript:', '<a href="javascript:alert(1)">x</a>'],
      ['javascript: in capitals', '<a href="JavaScript:alert(1)">x</a>'],
      ['javascript: with leading spaces', '<a href="  javascript:alert(1)">x</a>'],
      ['javascript: hidden behind an entity', '<a href="&#106;avascript:alert(1)">x</a>'],
      ['a data: URL', '<a href="data:text/html,<b>x</b>">x</a>'],
      ['plain http', '<a href="http://example.org">x</a>'],
      ['a relative link', '<a href="/admin">x</a>'],
      ['an empty href', '<a href="">x</a>'],
      ['a bare href', '<a href>x</a>'],
    ])('a link to %s', (_what, text) => {
      expect(markupProblems(text)).toContain('attribute href on <a> is not allowed');
    });

    it.each([
      [
        'onclick on a link',
        '<a href="https://example.org" onclick="steal()">x</a>',
        'attribute onclick on <a> is not allowed',
      ],
      ['onmouseover unquoted', '<p onmouseover=steal()>x</p>', 'attribute onmouseover on <p> is not allowed'],
      ['onerror in capitals', '<b ONERROR="steal()">x</b>', 'attribute onerror on <b> is not allowed'],
      [
        'a handler after a slash instead of a space',
        '<i/onclick="steal()">x</i>',
        'attribute onclick on <i> is not allowed',
      ],
      ['a handler on a closing tag', '<p>x</p onclick="steal()">', 'attribute onclick on <p> is not allowed'],
    ])('an event handler: %s', (_what, text, problem) => {
      expect(markupProblems(text)).toContain(problem);
    });

    it('a handler hidden after a ">" inside a quoted attribute', () => {
      // A browser reads title=">" as one attribute and onclick as the next; the check must not pass it.
      expect(markupProblems('<a href="https://example.org" title=">" onclick="steal()">x</a>')).not.toEqual([]);
    });

    it.each([
      ['a paragraph', '<p style="color: red">x</p>', 'attribute style on <p> is not allowed'],
      [
        'a link',
        '<a href="https://example.org" style="position: fixed">x</a>',
        'attribute style on <a> is not allowed',
      ],
      ['emphasis, single-quoted', "<em style='font-size: 90px'>x</em>", 'attribute style on <em> is not allowed'],
    ])('a style attribute on %s', (_what, text, problem) => {
      expect(markupProblems(text)).toContain(problem);
    });

    it.each([
      ['class on a paragraph', '<p class="warning">x</p>', 'attribute class on <p> is not allowed'],
      [
        'target on a link',
        '<a href="https://example.org" target="_blank">x</a>',
        'attribute target on <a> is not allowed',
      ],
      ['href anywhere but a link', '<p href="https://example.org">x</p>', 'attribute href on <p> is not allowed'],
    ])('any other attribute: %s', (_what, text, problem) => {
      expect(markupProblems(text)).toEqual([problem]);
    });

    it.each([
      ['a comment', 'Hello <!-- hidden note -->'],
      ['a comment that hides a tag', '<!--<img src=x onerror=alert(1)>-->'],
      ['CDATA', '<![CDATA[ x ]]>'],
      ['a processing instruction', '<?xml version="1.0"?>'],
    ])('%s', (_what, text) => {
      expect(markupProblems(text)).toContain('comments and processing instructions are not allowed');
    });
  });
});
