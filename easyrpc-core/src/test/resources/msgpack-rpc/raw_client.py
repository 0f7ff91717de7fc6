"""Calls an easyrpc server over a raw socket with python3-msgpack: the spec's bytes,
no MessagePack-RPC library.

Usage: raw_client.py HOST PORT
Prints one line per check and exits with 0 when all of them pass.
"""
import socket
import sys
import time

import msgpack


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    sock = socket.create_connection((host, port), timeout=20)
    unpacker = msgpack.Unpacker(raw=False)

    def read():
        while True:
            for message in unpacker:
                return message
            data = sock.recv(65536)
            if not data:
                return None
            unpacker.feed(data)

    # The spec's worked example, byte for byte: [0, 1, "Shop.add", [2, 3]]
    request = bytes.fromhex('94 00 01 a8 53686f702e616464 92 02 03')
    assert request == msgpack.packb([0, 1, 'Shop.add', [2, 3]])
    sock.sendall(request)
    response = read()
    assert response == [1, 1, None, 5], response
    print('request: ok')

    # named params as one map
    sock.sendall(msgpack.packb([0, 2, 'Shop.greet', [{'name': 'Bob', 'greeting': 'Hello'}]]))
    assert read() == [1, 2, None, 'Hello, Bob']
    print('named: ok')

    # an error response
    sock.sendall(msgpack.packb([0, 3, 'Shop.fail', ['broken']]))
    msgid_error = read()
    assert msgid_error[0] == 1 and msgid_error[1] == 3 and msgid_error[3] is None, msgid_error
    assert msgid_error[2]['status'] == 'APPLICATION_ERROR', msgid_error
    assert msgid_error[2]['message'] == 'broken', msgid_error
    print('error: ok')

    # a notification, then two requests in one write: responses may come in any order,
    # and the requests may overtake the notification (each runs on a worker thread)
    sock.sendall(msgpack.packb([2, 'Shop.record', ['pear']])
                 + msgpack.packb([0, 4, 'Shop.add', [40, 2]])
                 + msgpack.packb([0, 5, 'Shop.add', [1, 2]]))
    responses = {}
    for _ in range(2):
        message = read()
        responses[message[1]] = message
    assert responses[4] == [1, 4, None, 42], responses
    assert responses[5] == [1, 5, None, 3], responses
    deadline = time.monotonic() + 20
    msgid = 100
    while True:
        sock.sendall(msgpack.packb([0, msgid, 'Shop.recorded', []]))
        recorded = read()
        assert recorded[1] == msgid and recorded[2] is None, recorded
        if 'pear' in recorded[3] or time.monotonic() >= deadline:
            break
        msgid += 1
        time.sleep(0.05)
    assert 'pear' in recorded[3], recorded
    print('notification and pipelining: ok')

    # a malformed request with a known msgid is answered, and the connection stays
    sock.sendall(bytes([0x94, 0x00, 0x06, 0x05, 0x90]))
    malformed = read()
    assert malformed[1] == 6 and malformed[2]['status'] == 'INVALID_ARGUMENT', malformed
    sock.sendall(msgpack.packb([0, 7, 'Shop.add', [1, 1]]))
    assert read() == [1, 7, None, 2]
    print('malformed: ok')

    sock.close()
    print('OK')


if __name__ == '__main__':
    main()
