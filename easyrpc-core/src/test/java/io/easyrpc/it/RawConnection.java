package io.easyrpc.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * A plain blocking socket that speaks (or breaks) the easyrpc protocol byte by byte, for
 * tests that need full control over what goes on the wire.
 */
final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	RawConnection(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(10_000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
	}

	void sendPreface(int maxFrameSize) throws IOException {
		ByteBuf buf = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, maxFrameSize).writeTo(buf);
		send(ByteBufUtil.getBytes(buf));
	}

	void send(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Send an encoded frame body behind its length prefix, and release it.
	 */
	void send(ByteBuf frame) throws IOException {
		try {
			byte[] body = ByteBufUtil.getBytes(frame);
			send(Unpooled.buffer(4 + body.length).writeInt(body.length).writeBytes(body).array());
		}
		finally {
			frame.release();
		}
	}

	void sendRequest(int callId, String method, Metadata metadata, PayloadWriter payload) throws IOException {
		send(FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, callId, method, metadata, payload));
	}

	void sendNotification(String method, PayloadWriter payload) throws IOException {
		send(FrameCodec.encodeNotification(UnpooledByteBufAllocator.DEFAULT, method, Metadata.EMPTY, payload));
	}

	void sendPing(long data) throws IOException {
		send(FrameCodec.encodePing(UnpooledByteBufAllocator.DEFAULT, false, data));
	}

	Preface readPreface() throws IOException {
		byte[] bytes = new byte[Preface.LENGTH];
		this.in.readFully(bytes);
		return Preface.readFrom(Unpooled.wrappedBuffer(bytes));
	}

	/**
	 * Read the next frame. Payload slices stay valid: they share an unpooled array.
	 */
	Frame readFrame() throws IOException {
		long length = Integer.toUnsignedLong(this.in.readInt());
		if (length > 64 * 1024 * 1024) {
			throw new IllegalStateException("Unexpected frame length " + length);
		}
		byte[] body = new byte[(int) length];
		this.in.readFully(body);
		return FrameCodec.decode(Unpooled.wrappedBuffer(body));
	}

	/**
	 * Read and discard whatever the server still sends until it closes the connection.
	 * @return {@code true} if the server closed the connection, {@code false} if it was
	 * still open when the read timed out
	 */
	boolean awaitClosedByServer() {
		byte[] sink = new byte[4096];
		try {
			while (this.in.read(sink) >= 0) {
				// discard
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (EOFException | SocketException ex) {
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
