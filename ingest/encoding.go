package ingest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/article-archive/archive/corpus"
)

// The reasons an input is not text, shared by every format.
const (
	reasonEmpty  = "is empty"
	reasonBinary = "is binary, not text: the archive reads text, Markdown, JSON, HTML, feeds, WARC and zip/tar archives of them"
	reasonNotUTF = "is not valid UTF-8 and declares no encoding the archive can use: convert it to UTF-8 (iconv -f ENCODING -t utf-8), or declare its encoding (<meta charset>, <?xml encoding?>)"
)

// binaryProbe is how many leading bytes are looked at to tell binary from text.
const binaryProbe = 8000

// asUTF8 returns data as UTF-8 text. Valid UTF-8 is taken as it is, whatever the
// input declares (a page saved as UTF-8 often keeps the charset of its original).
// Otherwise the encoding is, in this order: a UTF-16 byte-order mark; declared (the
// HTTP Content-Type's charset, given by the caller); the page's <meta charset> or
// the XML declaration's encoding; and failing those Windows-1252, but only when
// the bytes read as Western European text (see safeWindows1252), with a warning
// saying so.
//
// It returns a rejection reason for binary data, for text in an encoding it cannot
// tell, and for data that is empty once decoded.
func asUTF8(data []byte, declared string) (text []byte, warning, rejection string) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, "", reasonEmpty
	}
	if enc := utf16BOM(data); enc != nil {
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) {
			return nil, "", reasonNotUTF
		}
		return finishText(out, "", "")
	}
	if looksBinary(data) {
		return nil, "", reasonBinary
	}
	if utf8.Valid(data) {
		return data, "", ""
	}
	for _, label := range []string{declared, xmlDeclEncoding(data), metaCharset(data)} {
		if label == "" {
			continue
		}
		enc, name := charset.Lookup(label)
		if enc == nil || name == "utf-8" {
			continue
		}
		out, err := enc.NewDecoder().Bytes(data)
		if err == nil && utf8.Valid(out) {
			return finishText(out, "", "")
		}
	}
	if out, mixed, ok := readWindows1252(data); ok {
		if mixed {
			return finishText(out, "mixes UTF-8 with bytes of an encoding it does not declare: those were read as Windows-1252 (Latin-1)", "")
		}
		return finishText(out, "is not UTF-8 and declares no encoding: read as Windows-1252 (Latin-1)", "")
	}
	return nil, "", reasonNotUTF
}

func finishText(out []byte, warning, rejection string) ([]byte, string, string) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, "", reasonEmpty
	}
	return out, warning, rejection
}

func utf16BOM(data []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM)
	}
	return nil
}

// looksBinary tells binary data from text by its first bytes: a NUL byte, or
// more than one in twenty being control characters that text does not use.
func looksBinary(data []byte) bool {
	head := data[:min(len(data), binaryProbe)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	control := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v' && b != 0x1b {
			control++
		}
	}
	return control*20 > len(head)
}

// readWindows1252 reads undeclared bytes that are not valid UTF-8 as
// Windows-1252 (a superset of Latin-1), keeping the sequences that are valid
// UTF-8 as they are: text that mixes the two (a UTF-8 export with words pasted
// from Windows) reads right in both parts, and mixed says it did. (A C1 control
// character is never taken from UTF-8: in Windows-1252 text its two bytes are an
// accented capital and a quote.) It reports false unless the other bytes read as
// Western European text: no byte that Windows-1252 leaves undefined, at most one
// byte in six outside ASCII (Western European text is mostly ASCII; Cyrillic,
// Greek or Asian text in a legacy encoding is not), and every such byte a letter
// or common typographic punctuation.
func readWindows1252(data []byte) (out []byte, mixed, ok bool) {
	out = make([]byte, 0, len(data)+len(data)/8)
	high := 0
	for i := 0; i < len(data); {
		b := data[i]
		if b < utf8.RuneSelf {
			out = append(out, b)
			i++
			continue
		}
		if r, size := utf8.DecodeRune(data[i:]); size > 1 && (r < 0x80 || r >= 0xA0) {
			out = append(out, data[i:i+size]...)
			i += size
			mixed = true
			continue
		}
		high++
		switch b {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			return nil, false, false
		}
		r := charmap.Windows1252.DecodeByte(b)
		if !unicode.IsLetter(r) && !strings.ContainsRune(latinPunctuation, r) {
			return nil, false, false
		}
		out = utf8.AppendRune(out, r)
		i++
	}
	if high == 0 || high*6 > len(data) {
		return nil, false, false
	}
	return out, mixed, true
}

// isStrayControl tells the control characters text never means (a NUL byte, an
// escape, a C1 control): every one but the white space (tab, line breaks, form
// feed).
func isStrayControl(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }

// mayHoldControl tells, a byte at a time (several times faster than decoding
// characters, and every article's text passes here), whether s may hold a stray
// control character: every one is a byte below 0x20, 0x7F, or U+0080 to U+009F
// (0xC2 0x80 to 0xC2 0x9F in UTF-8).
func mayHoldControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r', b == 0x7F:
			return true
		case b == 0xC2 && i+1 < len(s) && s[i+1] < 0xA0:
			return true
		}
	}
	return false
}

// stripControls removes the stray control characters (see isStrayControl) from
// an article's text fields, where they would break pages, exports and searches,
// and returns a warning naming the fields and the first character, or "".
func stripControls(a *corpus.Article) string {
	var fields []string
	first := rune(-1)
	clean := func(field string, s *string) {
		if !mayHoldControl(*s) {
			return
		}
		i := strings.IndexFunc(*s, isStrayControl)
		if i < 0 {
			return
		}
		if first < 0 {
			first, _ = utf8.DecodeRuneInString((*s)[i:])
		}
		if !slices.Contains(fields, field) {
			fields = append(fields, field)
		}
		*s = strings.TrimSpace(strings.Map(func(r rune) rune {
			if isStrayControl(r) {
				return -1
			}
			return r
		}, *s))
	}
	clean("title", &a.Title)
	clean("text", &a.Body)
	clean("outlet", &a.Outlet)
	clean("URL", &a.URL)
	for i := range a.Authors {
		clean("authors", &a.Authors[i])
	}
	for i := range a.Persons {
		clean("persons", &a.Persons[i])
	}
	if fields == nil {
		return ""
	}
	return fmt.Sprintf("control characters (%U and any others) removed from the %s", first, strings.Join(fields, ", "))
}

// invisible are the characters that only hint where a line may break or say
// nothing at all: the soft hyphen of "Vladi&shy;mir", the zero-width space, the
// word joiner and a byte-order mark inside the text. Kept, they split words for
// search and for the name extractors. The zero-width joiner and non-joiner stay:
// Persian words and emoji need them.
var invisible = strings.NewReplacer("\u00ad", "", "\u200b", "", "\u2060", "", "\ufeff", "")

// stripInvisible removes the invisible characters from an article's title and
// text; pages hold them routinely, so no warning is given.
func stripInvisible(a *corpus.Article) {
	for _, s := range []*string{&a.Title, &a.Body} {
		if strings.Contains(*s, "\u00ad") || strings.Contains(*s, "\u200b") || strings.Contains(*s, "\u2060") ||
			strings.Contains(*s, "\ufeff") {
			*s = invisible.Replace(*s)
		}
	}
}

// latinPunctuation are the non-letters of Windows-1252 that Western text uses.
const latinPunctuation = "\u00a0‘’‚“”„–—…•†‡‰‹›«»¡¿°±²³¹¼½¾µ·×÷£€¥¢§¶©®™´¨¸ˆ˜"

// xmlDeclEncoding returns the encoding an XML declaration states, or "".
func xmlDeclEncoding(data []byte) string {
	head := bytes.TrimLeft(data[:min(len(data), 512)], " \t\r\n\ufeff")
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return ""
	}
	return attrValue(head[:end], "encoding")
}

// metaCharset returns the charset a page's <meta charset> or <meta
// http-equiv="Content-Type" content="…; charset=…"> states within its first 4 KiB
// (where HTML requires it), or "".
func metaCharset(data []byte) string {
	head := bytes.ToLower(data[:min(len(data), 4096)])
	for {
		i := bytes.Index(head, []byte("<meta"))
		if i < 0 {
			return ""
		}
		head = head[i+5:]
		end := bytes.IndexByte(head, '>')
		if end < 0 {
			return ""
		}
		tag := head[:end]
		if j := bytes.Index(tag, []byte("charset")); j >= 0 {
			rest := bytes.TrimLeft(tag[j+len("charset"):], " \t\r\n")
			if len(rest) > 0 && rest[0] == '=' {
				return tokenValue(bytes.TrimLeft(rest[1:], " \t\r\n"))
			}
		}
		head = head[end:]
	}
}

// attrValue returns the value of name="…" (or '…') in s, or "".
func attrValue(s []byte, name string) string {
	i := bytes.Index(s, []byte(name))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(s[i+len(name):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	return tokenValue(bytes.TrimLeft(rest[1:], " \t\r\n"))
}

// tokenValue reads a quoted or bare value up to its end.
func tokenValue(s []byte) string {
	if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		s = s[1:]
		if j := bytes.IndexByte(s, q); j >= 0 {
			s = s[:j]
		}
	}
	if j := bytes.IndexAny(s, " \t\r\n;\"'/>"); j >= 0 {
		s = s[:j]
	}
	if len(s) > 40 {
		return ""
	}
	return string(s)
}

// withUTF8Declaration rewrites an XML declaration's encoding to UTF-8, for a feed
// asUTF8 has converted, so that the XML parser does not convert it again.
func withUTF8Declaration(data []byte) []byte {
	enc := xmlDeclEncoding(data)
	if enc == "" {
		return data
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return data
	}
	decl := bytes.Replace(data[:end], []byte(enc), []byte("UTF-8"), 1)
	return append(decl, data[end:]...)
}
