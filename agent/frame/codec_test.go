package frame

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/wire"
)

func TestCRC16(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
	}{
		{"123456789", 0x29B1},
		{"", 0xFFFF},
		{"A", 0xB915},
	}
	for _, tt := range tests {
		if got := CRC16([]byte(tt.in)); got != tt.want {
			t.Errorf("CRC16(%q) = %04X, want %04X", tt.in, got, tt.want)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		f    Frame
		want string
	}{
		{"no fields", New("CONFIRM"), "$TG1,0,CONFIRM*"},
		{"fields in order", Frame{Seq: 65535, Type: "HB", Fields: []Field{{"up", "5"}}}, "$TG1,65535,HB,up=5*"},
		{"empty value", New("NAK", "ref", "", "reason", "SYNTAX"), "$TG1,0,NAK,ref=,reason=SYNTAX*"},
		{"escapes", New("PAYEE", "name", "a%b,c*d$e=f\r\ng"), "$TG1,0,PAYEE,name=a%25b%2Cc%2Ad%24e%3Df%0D%0Ag*"},
		{"utf8 raw", New("PAYEE", "name", "张三"), "$TG1,0,PAYEE,name=张三*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(tt.f)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			s := string(got)
			if !strings.HasPrefix(s, tt.want) || !strings.HasSuffix(s, "\r\n") || len(s) != len(tt.want)+6 {
				t.Fatalf("got %q, want %q + CRC + CRLF", s, tt.want)
			}
			back := decodeAll(t, got)
			if len(back) != 1 || back[0].Err != nil || !sameFrame(back[0].Frame, tt.f) {
				t.Errorf("decode of %q = %+v, want %+v", s, back, tt.f)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 480)
	tests := []struct {
		name string
		f    Frame
		want error
	}{
		{"empty type", New(""), ErrType},
		{"lower type", New("hb"), ErrType},
		{"type 17", New(wire.FrameType(strings.Repeat("A", 17))), ErrType},
		{"key upper", New("HB", "Up", "1"), ErrKey},
		{"key digit first", New("HB", "1up", "1"), ErrKey},
		{"key 17", New("HB", strings.Repeat("k", 17), "1"), ErrKey},
		{"key empty", New("HB", "", "1"), ErrKey},
		{"bad utf8", New("HB", "up", "\xff"), ErrValue},
		{"too long", New("PAYEE", "name", long, "bank", long), ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			got, err := AppendEncode(dst, tt.f)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if string(got) != "keep" {
				t.Errorf("dst changed on error: %q", got)
			}
		})
	}
}

func TestEncodeLengthLimit(t *testing.T) {
	// $TG1,0,X,k=...*XXXX\r\n: 13 bytes of framing around the value.
	at := New("X", "k", strings.Repeat("v", MaxLen-len("$TG1,0,X,k=*XXXX\r\n")))
	b, err := Encode(at)
	if err != nil || len(b) != MaxLen {
		t.Fatalf("frame of exactly %d bytes: len %d, err %v", MaxLen, len(b), err)
	}
	over := New("X", "k", at.Fields[0].Value+"v")
	if _, err := Encode(over); !errors.Is(err, ErrTooLong) {
		t.Errorf("frame of %d bytes: got %v, want ErrTooLong", MaxLen+1, err)
	}
	// An escape counts three bytes.
	esc := New("X", "k", strings.Repeat("v", len(at.Fields[0].Value)-2)+",")
	if _, err := Encode(esc); !errors.Is(err, ErrTooLong) {
		t.Errorf("escaped frame over the limit: got %v, want ErrTooLong", err)
	}
}

func TestErrorMessage(t *testing.T) {
	if got := (&Error{Reason: ReasonCRC, Seq: 7}).Error(); got != "frame: CRC in seq 7" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{Reason: ReasonSyntax, Seq: -1}).Error(); got != "frame: SYNTAX" {
		t.Errorf("got %q", got)
	}
}

// decodeAll feeds b to a new Decoder and returns the results, with Raw
// copied out of the Decoder's buffer.
func decodeAll(t testing.TB, b []byte) []Result {
	t.Helper()
	var out []Result
	NewDecoder().Feed(b, func(r Result) {
		r.Raw = append([]byte(nil), r.Raw...)
		out = append(out, r)
	})
	return out
}

// sameFrame compares frames treating nil and empty Fields alike.
func sameFrame(a, b Frame) bool {
	if len(a.Fields) == 0 && len(b.Fields) == 0 {
		return a.Seq == b.Seq && a.Type == b.Type
	}
	return reflect.DeepEqual(a, b)
}
