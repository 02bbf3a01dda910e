package main

import (
	"net"
	"sync"
)

// limitListener accepts at most n connections at once; more wait to be accepted.
// It is netutil.LimitListener's idea, except that a TCP connection keeps its
// CloseWrite: Go's server half-closes a connection it refuses (a 431 for headers
// over the limit) so that the client reads the answer before the close, and
// without CloseWrite the client gets a reset instead of the answer.
type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(l net.Listener, n int) *limitListener {
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	release := func() { <-l.sem }
	if tc, ok := c.(*net.TCPConn); ok {
		return &limitedTCPConn{TCPConn: tc, releaseOnce: releaseOnce{release: release}}, nil
	}
	return &limitedConn{Conn: c, releaseOnce: releaseOnce{release: release}}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// releaseOnce gives the listener back a connection's place once, on the first
// Close.
type releaseOnce struct {
	once    sync.Once
	release func()
}

func (r *releaseOnce) done() { r.once.Do(r.release) }

type limitedTCPConn struct {
	*net.TCPConn
	releaseOnce
}

func (c *limitedTCPConn) Close() error {
	err := c.TCPConn.Close()
	c.done()
	return err
}

type limitedConn struct {
	net.Conn
	releaseOnce
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.done()
	return err
}
