// Package voice speaks a short reminder when a screen appears: the clips
// are embedded in tgscreen (made with espeak-ng by gen-clips.sh, see
// docs/screens.md) and named "<screen>_<lang>", e.g. "high_risk_zh".
//
// No sound device must never stop the screen. Ebiten's audio.Context turns
// any device error (at open, or later when a USB speaker is unplugged) into
// an error returned by RunGame, which would end tgscreen; so clips are
// decoded with ebiten/audio/vorbis but played through oto, the library
// ebiten/audio itself plays through, whose errors come back to us. A
// device that fails turns the voice off and is logged once.
package voice

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"time"

	"github.com/ebitengine/oto/v3"
	"github.com/hajimehoshi/ebiten/v2/audio/vorbis"
	"github.com/rs/zerolog"
)

//go:generate sh gen-clips.sh

//go:embed clips/*.ogg
var clips embed.FS

const sampleRate = 44100

// Has reports whether a clip called name is embedded.
func Has(name string) bool {
	_, err := clips.Open("clips/" + name + ".ogg")
	return err == nil
}

// Decode returns the clip name as 16-bit little-endian stereo PCM at
// 44.1 kHz.
func Decode(name string) ([]byte, error) {
	b, err := clips.ReadFile("clips/" + name + ".ogg")
	if err != nil {
		return nil, fmt.Errorf("voice: no clip %q", name)
	}
	s, err := vorbis.DecodeWithSampleRate(sampleRate, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("voice: decode %q: %w", name, err)
	}
	pcm, err := io.ReadAll(s)
	if err != nil {
		return nil, fmt.Errorf("voice: decode %q: %w", name, err)
	}
	return pcm, nil
}

// Player plays clips one at a time; a new one interrupts the old one.
// Play never blocks. Create it with Start.
type Player struct {
	log  zerolog.Logger
	reqs chan string
}

// Start opens the sound device in the background and plays requested
// clips until ctx ends. It never fails: without a device it stays silent.
func Start(ctx context.Context, log zerolog.Logger) *Player {
	p := &Player{log: log.With().Str("component", "voice").Logger(), reqs: make(chan string, 1)}
	go p.run(ctx)
	return p
}

// Play asks for clip name to be spoken; if another request is waiting it
// is replaced. Unknown names are ignored.
func (p *Player) Play(name string) {
	for {
		select {
		case p.reqs <- name:
			return
		default:
		}
		select {
		case <-p.reqs:
		default:
		}
	}
}

func (p *Player) run(ctx context.Context) {
	octx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate: sampleRate, ChannelCount: 2, Format: oto.FormatSignedInt16LE,
	})
	if err != nil {
		p.log.Warn().Err(err).Msg("no sound device; voice off")
		return
	}
	select {
	case <-ready:
	case <-ctx.Done():
		return
	}
	if err := octx.Err(); err != nil {
		p.log.Warn().Err(err).Msg("no sound device; voice off")
		return
	}
	p.log.Info().Msg("sound device open")
	p.serve(ctx, octx)
}

// serve plays requests until ctx ends. Between clips the device is
// suspended: oto otherwise streams silence for ever, which costs CPU at
// rest (all of a core on ALSA's null device).
func (p *Player) serve(ctx context.Context, octx *oto.Context) {
	_ = octx.Suspend()
	var cur *oto.Player
	var poll <-chan time.Time
	ticker := time.NewTicker(250 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll:
			if !cur.IsPlaying() {
				poll = nil
				_ = octx.Suspend()
			}
		case name := <-p.reqs:
			pcm, err := Decode(name)
			if err != nil {
				p.log.Debug().Err(err).Msg("clip not played")
				continue
			}
			if err := octx.Resume(); err != nil {
				p.log.Warn().Err(err).Msg("sound device failed; voice off")
				return
			}
			if cur != nil {
				cur.Pause()
			}
			cur = octx.NewPlayer(bytes.NewReader(pcm))
			cur.Play()
			poll = ticker.C
		}
	}
}
