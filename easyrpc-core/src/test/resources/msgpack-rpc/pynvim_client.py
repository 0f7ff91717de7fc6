"""Calls an easyrpc server with pynvim's generic MessagePack-RPC client.

Usage: pynvim_client.py HOST PORT
Prints one line per check and exits with 0 when all of them pass.
"""
import sys
import time

from pynvim import msgpack_rpc


class RemoteError(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    session = msgpack_rpc.tcp_session(host, port)
    session.error_wrapper = RemoteError

    # positional arguments
    assert session.request('Shop.add', 2, 3) == 5
    print('positional: ok')

    # named arguments: a single map of parameter names
    assert session.request('Shop.greet', {'greeting': 'Hi', 'name': 'Ada'}) == 'Hi, Ada'
    print('named: ok')

    # an error: the documented error map
    try:
        session.request('Shop.fail', 'out of stock')
        raise AssertionError('no error')
    except RemoteError as ex:
        error = ex.error
        assert error['status'] == 'APPLICATION_ERROR', error
        assert error['code'] == 2, error
        assert error['message'] == 'out of stock', error
        assert error['data']['exception'] == 'java.lang.IllegalStateException', error
    print('error: ok')

    try:
        session.request('Shop.missing')
        raise AssertionError('no error')
    except RemoteError as ex:
        assert ex.error['status'] == 'NOT_FOUND', ex.error
    print('unknown method: ok')

    # a notification: no response. The server runs it on a worker thread, so a
    # later call may overtake it: wait (bounded) until its effect shows
    session.request('Shop.record', 'apple', async_=True)
    deadline = time.monotonic() + 20
    recorded = session.request('Shop.recorded')
    while recorded != ['apple'] and time.monotonic() < deadline:
        time.sleep(0.05)
        recorded = session.request('Shop.recorded')
    assert recorded == ['apple'], recorded
    print('notification: ok')

    # 1 000 pipelined calls: all written before the first response is read
    calls = 1000
    results = {}
    async_session = session._async_session

    def on_response(i):
        def callback(err, rv):
            results[i] = (err, rv)
            if len(results) == calls:
                async_session.stop()
        return callback

    for i in range(calls):
        async_session.request('Shop.add', [i, 1], on_response(i))
    async_session.run(lambda *args: None, lambda *args: None)
    assert len(results) == calls
    for i, (err, rv) in results.items():
        assert err is None and rv == i + 1, (i, err, rv)
    print('pipelined %d: ok' % calls)

    session.close()
    print('OK')


if __name__ == '__main__':
    main()
