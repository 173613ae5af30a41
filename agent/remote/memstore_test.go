package remote_test

import (
	"testing"

	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/remote/storetest"
)

func TestMemStoreConformance(t *testing.T) {
	s := &remote.MemStore{}
	storetest.Run(t, func(*testing.T) remote.Store { return s })
}
