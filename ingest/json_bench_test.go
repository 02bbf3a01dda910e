package ingest

import (
	"testing"
)

// BenchmarkParseRecord parses one JSON Lines record of a Reuters-sized article
// with the default field names.
//
//	go test ./ingest -run '^$' -bench ParseRecord -count 6
func BenchmarkParseRecord(b *testing.B) {
	raw := []byte(`{"id":"reuters-17","title":"JAPAN TO REVISE LONG-TERM ENERGY DEMAND DOWNWARDS","published":"1987-03-02T07:39:23Z","outlet":"Reuters","people":["Nakasone"],"topics":["crude","nat-gas"],"places":["japan"],"body":"The Ministry of International Trade and Industry (MITI) will revise its long-term energy supply/demand outlook by August to meet a forecast downtrend in Japanese energy demand, ministry officials said. MITI is expected to lower the projection for primary energy supplies in the year 2000 to 550 mln kilolitres (kl) from 600 mln, they said."}`)
	m, err := newFieldMapping(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := parseRecord(raw, m); err != nil {
			b.Fatal(err)
		}
	}
}
