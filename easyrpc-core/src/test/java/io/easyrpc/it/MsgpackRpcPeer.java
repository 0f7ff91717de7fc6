package io.easyrpc.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

import io.netty.pkitesting.X509Bundle;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * A blocking MessagePack-RPC peer written against the spec with msgpack-core alone, for
 * tests that call an easyrpc server the way a foreign client would.
 */
final class MsgpackRpcPeer implements AutoCloseable {

	private final AutoCloseable resource;

	private final OutputStream out;

	private final MessageUnpacker unpacker;

	private MsgpackRpcPeer(AutoCloseable resource, InputStream in, OutputStream out) {
		this.resource = resource;
		this.out = out;
		this.unpacker = MessagePack.newDefaultUnpacker(new BufferedInputStream(in));
	}

	static MsgpackRpcPeer tcp(int port) throws IOException {
		Socket socket = new Socket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		return new MsgpackRpcPeer(socket, socket.getInputStream(), socket.getOutputStream());
	}

	static MsgpackRpcPeer tls(int port, X509Bundle trusted) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trusted.toTrustManagerFactory().getTrustManagers(), null);
		Socket socket = context.getSocketFactory().createSocket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		return new MsgpackRpcPeer(socket, socket.getInputStream(), socket.getOutputStream());
	}

	static MsgpackRpcPeer unix(Path path) throws IOException {
		SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
		return new MsgpackRpcPeer(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel));
	}

	/**
	 * Send a request of positional or named params: each param is packed as msgpack-core
	 * packs a Value.
	 */
	void request(long msgid, String method, Value params) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(4).packInt(0).packLong(msgid).packString(method).packValue(params);
		send(packer.toByteArray());
	}

	void notify(String method, Value params) throws IOException {
		MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(3).packInt(2).packString(method).packValue(params);
		send(packer.toByteArray());
	}

	void send(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Read the next message.
	 * @return the message, an array
	 */
	Value read() throws IOException {
		return this.unpacker.unpackValue();
	}

	/**
	 * Return whether the server closed the connection (end of stream or reset) before
	 * sending anything more.
	 */
	boolean isClosedByServer() {
		try {
			return !this.unpacker.hasNext();
		}
		catch (IOException ex) {
			return true;
		}
	}

	@Override
	public void close() throws Exception {
		this.resource.close();
	}

}
