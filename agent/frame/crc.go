package frame

// crcTable is the byte-wise table of CRC-16/CCITT-FALSE (poly 0x1021, MSB
// first), built once so the checksum costs one lookup per byte.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC16 returns the CRC-16/CCITT-FALSE of b (poly 0x1021, init 0xFFFF, no
// reflection, xorout 0): the checksum CONTRACT §2 puts after the `*` of a
// frame, computed over every byte between `$` and `*`. CRC16("123456789")
// is 0x29B1.
func CRC16(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		c = c<<8 ^ crcTable[byte(c>>8)^x]
	}
	return c
}
