package frame

import "testing"

var benchFrame = New("PAYEE", "acct", "6217000000000000123", "name", "张三,李四", "bank", "中国建设银行", "new", "1")

func BenchmarkDecode(b *testing.B) {
	in, err := Encode(benchFrame)
	if err != nil {
		b.Fatal(err)
	}
	d := NewDecoder()
	n := 0
	emit := func(Result) { n++ }
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d.Feed(in, emit)
	}
	if n != b.N {
		b.Fatalf("decoded %d frames, want %d", n, b.N)
	}
}

func BenchmarkEncode(b *testing.B) {
	buf := make([]byte, 0, MaxLen)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendEncode(buf[:0], benchFrame); err != nil {
			b.Fatal(err)
		}
	}
}
