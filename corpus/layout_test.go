package corpus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{
			name: "wire copy wrapped at 65 with indented paragraphs and a table",
			text: "HARBOR BOARD RAISES FEES\n" +
				"    KESTREL FALLS, March 3 - The harbor board voted on Tuesday to\n" +
				"raise mooring fees by six pct from April, its chairman Paul\n" +
				"Volcker told reporters after the meeting in the town hall.\n" +
				"    The board said the increase would pay for dredging of the\n" +
				"north channel, which has silted up over two years of storms.\n" +
				"    Shr loss 12 cts   vs   profit 3 cts\n" +
				"    Net loss 1,200,000   vs   profit 300,000\n" +
				"    Fees had not risen since 1984.\n",
			want: []string{
				"HARBOR BOARD RAISES FEES",
				"KESTREL FALLS, March 3 - The harbor board voted on Tuesday to raise mooring fees by six pct from April, its chairman Paul Volcker told reporters after the meeting in the town hall.",
				"The board said the increase would pay for dredging of the north channel, which has silted up over two years of storms.",
				"Shr loss 12 cts   vs   profit 3 cts",
				"Net loss 1,200,000   vs   profit 300,000",
				"Fees had not risen since 1984.",
			},
		},
		{
			name: "a short line ends a paragraph of wrapped text without indents",
			text: "Title line\n\n" +
				"The harbor board voted on Tuesday to raise its mooring fees by\n" +
				"six percent from April, the chairman told reporters after the\n" +
				"meeting in the old town hall on the quay.\n" +
				"Fishermen said the rise would hurt them in a lean year for the\n" +
				"catch, and several of them asked the board to think again.\n",
			want: []string{
				"Title line",
				"The harbor board voted on Tuesday to raise its mooring fees by six percent from April, the chairman told reporters after the meeting in the old town hall on the quay.",
				"Fishermen said the rise would hurt them in a lean year for the catch, and several of them asked the board to think again.",
			},
		},
		{
			name: "a full first line runs on; a word broken at its hyphen joins",
			text: "Latest Federal Reserve data suggest that the central bank voted\n" +
				"to keep the pressure on bank reserves, money market economists\n" +
				"said on Thursday, shrugging off the slightly higher-than-\n" +
				"expected borrowings from the discount window in the latest week.\n",
			want: []string{
				"Latest Federal Reserve data suggest that the central bank voted to keep the pressure on bank reserves, money market economists said on Thursday, shrugging off the slightly higher-than-expected borrowings from the discount window in the latest week.",
			},
		},
		{
			name: "a page's paragraphs, one a line, stay as they are",
			text: "The harbor board voted on Tuesday to raise its mooring fees by six percent from April, the chairman told reporters.\n" +
				"Fishermen said the rise would hurt them.\n" +
				"The board meets again in May, when it will hear the fishermen's association and the port authority together.\n" +
				"Short one.\n",
			want: []string{
				"The harbor board voted on Tuesday to raise its mooring fees by six percent from April, the chairman told reporters.",
				"Fishermen said the rise would hurt them.",
				"The board meets again in May, when it will hear the fishermen's association and the port authority together.",
				"Short one.",
			},
		},
		{
			name: "marked HTML is measured by what shows",
			text: "Title\n\n" +
				"The <mark>harbor</mark> board voted on Tuesday to raise its fees by\n" +
				"six percent from April, the chairman told reporters after the\n" +
				"meeting in the old town hall on the quay &amp; the pier. And so\n" +
				"the fishermen went home to think about what they would say.\n",
			want: []string{
				"Title",
				"The <mark>harbor</mark> board voted on Tuesday to raise its fees by six percent from April, the chairman told reporters after the meeting in the old town hall on the quay &amp; the pier. And so the fishermen went home to think about what they would say.",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Paragraphs(tt.text)); diff != "" {
				t.Errorf("Paragraphs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
