package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserQueryLanguage drives the page through the query language as a user
// meets it: a query that does not parse, lower-case operator words, the "any
// word" switch, and a person filter typed in lower case or misspelt.
func TestBrowserQueryLanguage(t *testing.T) {
	base := sampleArchive(t)
	b := newBrowser(t, base)

	// A query that does not parse: the message, the hint and the place are shown
	// beside the box, and the box keeps the query.
	b.run("unclosed parenthesis", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#q`),
		chromedp.SendKeys(`#q`, "harbor (okafor\n"), chromedp.WaitVisible(`#problem`))
	if msg := b.text(`#problem`); !strings.Contains(msg, "never closed") || !strings.Contains(msg, `add the ")"`) {
		t.Errorf("problem %q, want where and how to fix it", msg)
	}
	if at := b.text(`#problem mark.at`); at != "(" {
		t.Errorf("the problem is marked at %q, want the parenthesis", at)
	}
	var kept string
	b.eval(`document.getElementById('q').value`, &kept)
	if kept != "harbor (okafor" {
		t.Errorf("the box holds %q after the error", kept)
	}
	b.screenshot("q1-parse-error")

	// Lower-case "and" is a word, and the page says so.
	b.run("lower-case and", chromedp.Navigate(base+"/?q=harbor+and+okafor"), chromedp.WaitVisible(`#notices`))
	if n := b.text(`#notices`); !strings.Contains(n, `"and" is searched as a word`) {
		t.Errorf("notices %q", n)
	}
	b.screenshot("q2-lowercase-and")

	// Words side by side must all match; "any word" takes either.
	b.run("all words", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#q`),
		chromedp.SendKeys(`#q`, "harbor zzyzx\n"), chromedp.WaitVisible(`#status`))
	if status := b.text(`#status`); !strings.Contains(status, "No articles match") {
		t.Errorf("harbor zzyzx, all words: %q", status)
	}
	b.run("any word", chromedp.Click(`.anyword input`, chromedp.NodeVisible), chromedp.Submit(`#q`),
		chromedp.WaitVisible(`.hit`))
	if got := b.location().Query().Get("op"); got != "or" {
		t.Errorf("any word is not in the URL: op=%q", got)
	}
	var checked bool
	b.eval(`document.querySelector('.anyword input').checked`, &checked)
	if !checked {
		t.Errorf("the any word switch is not kept on the results page")
	}
	b.screenshot("q3-any-word")

	// A person typed in lower case is found; a misspelt one suggests the name,
	// and the suggestion searches with it.
	b.run("person in lower case", chromedp.Navigate(base+"/?person=helena+okafor"), chromedp.WaitVisible(`.hit`))
	b.run("misspelt person", chromedp.Navigate(base+"/?person=helena+okafr"), chromedp.WaitVisible(`#notices a`))
	if n := b.text(`#notices`); !strings.Contains(n, "Did you mean Helena Okafor") {
		t.Errorf("suggestion %q", n)
	}
	b.screenshot("q4-did-you-mean")
	b.run("follow the suggestion", chromedp.Click(`#notices a`, chromedp.NodeVisible), chromedp.WaitVisible(`.hit`))
	if got := b.location().Query().Get("person"); got != "Helena Okafor" {
		t.Errorf("after the suggestion person=%q", got)
	}
}
