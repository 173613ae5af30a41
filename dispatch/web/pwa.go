package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"
)

// The console is an installable web app (a guard's phone keeps it on the
// home screen): a manifest, a service worker that caches the shell only,
// and icons drawn here so no binary image sits in the repository. These
// need no session: a browser fetches them before anyone logs in.

// iconSizes are the icon sizes the manifest names.
var iconSizes = map[string]int{"192": 192, "512": 512}

var (
	iconOnce sync.Once
	icons    map[string][]byte
)

// icon serves /icon-<size>.png.
func (s *Server) icon(size string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		iconOnce.Do(drawIcons)
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(icons[size])
	}
}

// drawIcons encodes every icon once.
func drawIcons() {
	icons = map[string][]byte{}
	for name, n := range iconSizes {
		var b bytes.Buffer
		_ = png.Encode(&b, drawIcon(n))
		icons[name] = b.Bytes()
	}
}

// drawIcon is the app icon: a white alarm mark ("!") on the console's
// red, on a dark square that survives a maskable crop.
func drawIcon(n int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	dark, red, white := color.RGBA{0x1f, 0x29, 0x37, 0xff}, color.RGBA{0xdc, 0x26, 0x26, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}
	c, r := float64(n)/2, float64(n)*0.36
	for y := range n {
		for x := range n {
			dx, dy := float64(x)+0.5-c, float64(y)+0.5-c
			px := dark
			if dx*dx+dy*dy <= r*r {
				px = red
			}
			fx, fy := float64(x)/float64(n), float64(y)/float64(n)
			bar := fx > 0.45 && fx < 0.55 && fy > 0.26 && fy < 0.58
			dot := (fx-0.5)*(fx-0.5)+(fy-0.68)*(fy-0.68) < 0.0036
			if bar || dot {
				px = white
			}
			img.SetRGBA(x, y, px)
		}
	}
	return img
}

// shellFile serves a file of the shell from the site's root (the service
// worker's scope is the folder it is served from; the manifest is linked
// from every page).
func (s *Server) shellFile(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			s.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(b)
	}
}
