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
	"sync"

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

	mu  sync.Mutex
	ctx *oto.Context
	off bool
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
	var cur *oto.Player
	for {
		select {
		case <-ctx.Done():
			return
		case name := <-p.reqs:
			if err := octx.Err(); err != nil {
				p.log.Warn().Err(err).Msg("sound device failed; voice off")
				return
			}
			pcm, err := Decode(name)
			if err != nil {
				p.log.Debug().Err(err).Msg("clip not played")
				continue
			}
			if cur != nil {
				cur.Pause()
			}
			cur = octx.NewPlayer(bytes.NewReader(pcm))
			cur.Play()
		}
	}
}
