package io.easyrpc.middleware;

import java.io.IOException;
import java.util.List;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The {@link RpcProcessor processors} of one side, applied in order to outgoing payloads
 * and in reverse order to incoming ones. Without processors both directions pass the
 * payload through untouched and cost nothing.
 */
public final class ProcessorChain {

	private static final ProcessorChain EMPTY = new ProcessorChain(List.of());

	private final RpcProcessor[] processors;

	private ProcessorChain(List<RpcProcessor> processors) {
		this.processors = processors.toArray(new RpcProcessor[0]);
	}

	/**
	 * Return a chain of processors.
	 * @param processors the processors in order
	 * @return the chain
	 */
	public static ProcessorChain of(List<RpcProcessor> processors) {
		return processors.isEmpty() ? EMPTY : new ProcessorChain(processors);
	}

	/**
	 * Return whether the chain has no processor.
	 * @return {@code true} if payloads pass untouched
	 */
	public boolean isEmpty() {
		return this.processors.length == 0;
	}

	/**
	 * Encode an outgoing payload and pass it through the processors.
	 * @param message what the payload belongs to
	 * @param payload writes the payload
	 * @return a writer of the processed bytes, or {@code payload} itself without
	 * processors
	 * @throws IOException if the payload cannot be written
	 * @throws RpcException if a processor refuses the message
	 */
	public PayloadWriter outbound(MessageInfo message, PayloadWriter payload) throws IOException {
		if (isEmpty()) {
			return payload;
		}
		byte[] bytes = MessagePackBuffers.get().toBytes(payload);
		for (RpcProcessor processor : this.processors) {
			bytes = apply(processor, message, bytes, true);
		}
		byte[] processed = bytes;
		return (packer) -> packer.writePayload(processed);
	}

	/**
	 * Pass an incoming payload back through the processors, last first.
	 * @param message what the payload belongs to
	 * @param payload the payload as received; not released
	 * @return the payload to decode: {@code payload} itself without processors, else a
	 * new heap buffer that needs no release
	 * @throws RpcException if a processor refuses the message
	 */
	public ByteBuf inbound(MessageInfo message, ByteBuf payload) {
		if (isEmpty()) {
			return payload;
		}
		byte[] bytes = ByteBufUtil.getBytes(payload);
		for (int i = this.processors.length - 1; i >= 0; i--) {
			bytes = apply(this.processors[i], message, bytes, false);
		}
		return Unpooled.wrappedBuffer(bytes);
	}

	private static byte[] apply(RpcProcessor processor, MessageInfo message, byte[] bytes, boolean outbound) {
		byte[] result;
		try {
			result = outbound ? processor.outbound(message, bytes) : processor.inbound(message, bytes);
		}
		catch (RpcException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new RpcException(RpcStatus.INTERNAL,
					"Processor " + processor.getClass().getName() + " failed on the "
							+ (outbound ? "outgoing " : "incoming ") + message.kind().name().toLowerCase() + " of "
							+ message.methodKey() + ": " + ex.getMessage(),
					ex);
		}
		if (result == null) {
			throw new RpcException(RpcStatus.INTERNAL,
					"Processor " + processor.getClass().getName() + " returned no payload for " + message.methodKey());
		}
		return result;
	}

}
