package corpus

import (
	"embed"
	"io/fs"
)

// sampleFS holds the article directories under sample/; sample/README.md, which
// describes them, is left out so that nothing reads it as an article.
//
//go:embed sample/text sample/json sample/html
var sampleFS embed.FS

// Sample returns the built-in sample articles: original short articles in the
// formats the archive reads, written for this project and free to use (CC0).
// `archive serve --sample` loads them into an empty archive so that a newcomer
// sees a working search, with person, outlet and date facets, before ingesting
// anything of their own.
//
// The 32 articles are news from Verran Province, a fictional region: a port
// expansion, a governor's race, a drought and the court case it led to, a tech
// company's layoffs, a bridge collapse, a football club's promotion and a
// harbor festival. Their people, places, companies and six outlets are
// invented, every URL is under the reserved .example domain, and they are
// dated from March 2023 to October 2025, with two left undated. One story is
// syndicated (json/syndicated.jsonl: the same wire text run by three outlets on
// one day), and it names a person by surname only ("Ms. Ashworth") whom two other
// articles name in full.
//
// The file system is rooted at the sample directory, so paths look like
// "text/athletic-promotion.txt":
//
//   - text/*.txt: the headline on the first line, then a body that opens with a
//     dateline ("PORT ELLIS, Mar. 14, 2023 (Harbor Gazette) — ..." or
//     "PORT ELLIS, July 19, 2023 — ...") and, when the dateline names no
//     outlet, ends with a credit line ("This article first appeared in the
//     Harbor Gazette.").
//   - json/*.jsonl: one article a line, with field names that vary between
//     records (title or headline, body, text or content, published or date,
//     outlet, site or source, author or authors).
//   - json/*.jsonl.gz: the same, gzip-compressed.
//   - html/*.html: complete saved article pages, with navigation, sidebars and
//     footers around the article.
//
// The file system holds articles only: sample/README.md in the source tree lists
// every article with its outlet, date and people.
func Sample() fs.FS {
	sub, err := fs.Sub(sampleFS, "sample")
	if err != nil {
		// fs.Sub fails only for an invalid path name, and "sample" is valid.
		panic("corpus: sample files: " + err.Error())
	}
	return sub
}
