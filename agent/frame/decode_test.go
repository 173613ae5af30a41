package frame

import (
	"fmt"
	"strings"
	"testing"
)

// wire frames content with `$`, its true CRC and CRLF.
func wireBytes(content string) string {
	return fmt.Sprintf("$%s*%04X\r\n", content, CRC16([]byte(content)))
}

// summary renders results compactly for table comparisons.
func summary(rs []Result) string {
	var parts []string
	for _, r := range rs {
		if r.Err != nil {
			parts = append(parts, fmt.Sprintf("%s/%d", r.Err.Reason, r.Err.Seq))
			continue
		}
		s := fmt.Sprintf("%d %s", r.Frame.Seq, r.Frame.Type)
		for _, kv := range r.Frame.Fields {
			s += fmt.Sprintf(" %s=%q", kv.Key, kv.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func TestDecode(t *testing.T) {
	long := strings.Repeat("x", 600)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"clean", wireBytes("TG1,1,HB,up=5"), `1 HB up="5"`},
		{"no fields", wireBytes("TG1,2,CONFIRM"), `2 CONFIRM`},
		{"LF alone", strings.TrimSuffix(wireBytes("TG1,3,END"), "\r\n") + "\n", `3 END`},
		{"noise before", "garbage\r\n\x00\xff" + wireBytes("TG1,5,END"), `5 END`},
		{"two frames one write", wireBytes("TG1,6,END") + wireBytes("TG1,7,PANIC"), `6 END; 7 PANIC`},
		{"restart on $", "$TG1,8,HB,up" + wireBytes("TG1,9,END"), `9 END`},
		{"escapes", wireBytes("TG1,10,PAYEE,name=a%25b%2Cc%2Ad%24e%3Df%0D%0Ag"), `10 PAYEE name="a%b,c*d$e=f\r\ng"`},
		{"lowercase escape", wireBytes("TG1,11,PAYEE,name=%2c"), `11 PAYEE name=","`},
		{"escaped utf8", wireBytes("TG1,12,PAYEE,name=%E5%BC%A0"), `12 PAYEE name="张"`},
		{"raw utf8", wireBytes("TG1,13,PAYEE,name=张三,bank=工商银行"), `13 PAYEE name="张三" bank="工商银行"`},
		{"empty value", wireBytes("TG1,14,DONE,result="), `14 DONE result=""`},
		{"leading zeros", wireBytes("TG1,00015,END"), `15 END`},
		{"max seq", wireBytes("TG1,65535,END"), `65535 END`},
		{"bad crc", "$TG1,16,END*0000\r\n", `CRC/16`},
		{"bad crc unknown seq", "$TG1,x,END*0000\r\n", `CRC/-1`},
		{"no star", "$TG1,17,END\r\n", `SYNTAX/17`},
		{"short crc", "$TG1,18,END*29B\r\n", `SYNTAX/18`},
		{"crc not hex", "$TG1,19,END*29BG\r\n", `SYNTAX/19`},
		{"two CRs", strings.TrimSuffix(wireBytes("TG1,20,END"), "\r\n") + "\r\r\n", `SYNTAX/20`},
		{"bad prefix", wireBytes("TG2,21,END"), `SYNTAX/-1`},
		{"seq too big", wireBytes("TG1,65536,END"), `SYNTAX/-1`},
		{"seq 6 digits", wireBytes("TG1,000001,END"), `SYNTAX/-1`},
		{"seq empty", wireBytes("TG1,,END"), `SYNTAX/-1`},
		{"no type", wireBytes("TG1,22"), `SYNTAX/-1`},
		{"empty type", wireBytes("TG1,23,"), `SYNTAX/23`},
		{"lower type", wireBytes("TG1,24,hb"), `SYNTAX/24`},
		{"type 17", wireBytes("TG1,25," + strings.Repeat("A", 17)), `SYNTAX/25`},
		{"trailing comma", wireBytes("TG1,26,HB,"), `SYNTAX/26`},
		{"field without =", wireBytes("TG1,27,HB,up"), `SYNTAX/27`},
		{"bad key", wireBytes("TG1,28,HB,Up=1"), `SYNTAX/28`},
		{"raw = in value", wireBytes("TG1,29,HB,up=1=2"), `SYNTAX/29`},
		{"raw * in value", wireBytes("TG1,30,HB,up=1*2"), `SYNTAX/30`},
		{"raw CR in value", wireBytes("TG1,31,HB,up=1\r2"), `SYNTAX/31`},
		{"bad escape", wireBytes("TG1,32,HB,up=%G1"), `SYNTAX/32`},
		{"cut escape", wireBytes("TG1,33,HB,up=%4"), `SYNTAX/33`},
		{"invalid utf8", wireBytes("TG1,34,HB,up=\xff"), `SYNTAX/34`},
		{"escaped invalid utf8", wireBytes("TG1,35,HB,up=%FF"), `SYNTAX/35`},
		{"empty frame", "$\n", `SYNTAX/-1`},
		{"too long", "$TG1,36,PAYEE,name=" + long + "*0000\r\n" + wireBytes("TG1,37,END"), `TOO_LONG/36; 37 END`},
		{"too long no seq", "$" + long + "\n", `TOO_LONG/-1`},
		{"noise only", "hello\r\nworld", ``},
		{"unfinished", "$TG1,38,END*", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(decodeAll(t, []byte(tt.in))); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodeLowercaseCRC(t *testing.T) {
	w := wireBytes("TG1,4,END")
	star := strings.IndexByte(w, '*')
	in := w[:star] + strings.ToLower(w[star:])
	if got := summary(decodeAll(t, []byte(in))); got != "4 END" {
		t.Errorf("got %s, want 4 END", got)
	}
}

func TestDecodeLengthBoundary(t *testing.T) {
	frameOf := func(total int, eol string) string {
		pad := total - len("$TG1,1,X,k=*XXXX") - len(eol)
		c := "TG1,1,X,k=" + strings.Repeat("v", pad)
		return strings.TrimSuffix(wireBytes(c), "\r\n") + eol
	}
	tests := []struct {
		in   string
		want string
	}{
		{frameOf(512, "\r\n"), "1 X"},
		{frameOf(512, "\n"), "1 X"},
		{frameOf(513, "\r\n"), "TOO_LONG/1"},
		{frameOf(513, "\n"), "TOO_LONG/1"},
	}
	for _, tt := range tests {
		rs := decodeAll(t, []byte(tt.in))
		got := summary(rs)
		if len(rs) == 1 && rs[0].Err == nil {
			got = fmt.Sprintf("%d %s", rs[0].Frame.Seq, rs[0].Frame.Type)
		}
		if got != tt.want {
			t.Errorf("%d bytes ending %q: got %s, want %s", len(tt.in), tt.in[len(tt.in)-2:], got, tt.want)
		}
	}
}

func TestDecodeSplitWrites(t *testing.T) {
	in := []byte("noise" + wireBytes("TG1,1,PAYEE,name=张三%2C") + "$TG1,2" + wireBytes("TG1,3,END"))
	want := summary(decodeAll(t, in))
	for size := 1; size <= 7; size++ {
		d := NewDecoder()
		var got []Result
		for i := 0; i < len(in); i += size {
			d.Feed(in[i:min(i+size, len(in))], func(r Result) { got = append(got, r) })
		}
		if s := summary(got); s != want {
			t.Errorf("chunks of %d: got %s, want %s", size, s, want)
		}
	}
}

func TestDecodeRaw(t *testing.T) {
	rs := decodeAll(t, []byte(wireBytes("TG1,1,HB,up=5")))
	if len(rs) != 1 || string(rs[0].Raw) != "TG1,1,HB,up=5" {
		t.Fatalf("got %+v, want Raw TG1,1,HB,up=5", rs)
	}
}

func TestDecoderStats(t *testing.T) {
	d := NewDecoder()
	d.Feed([]byte("ab$TG1,1"+wireBytes("TG1,2,END")+"$TG1,3,END*0000\n"), func(Result) {})
	want := Stats{Frames: 1, Errors: 1, Noise: 2, Truncated: 1}
	if got := d.Stats(); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
