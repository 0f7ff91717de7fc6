package io.easyrpc.server;

import java.net.BindException;

import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the server cannot bind one of its addresses, typically because the port is
 * in use.
 */
public class RpcServerBindException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient RpcAddress address;

	/**
	 * Create an exception.
	 * @param address the address that could not be bound
	 * @param cause the cause
	 */
	public RpcServerBindException(RpcAddress address, @Nullable Throwable cause) {
		super("easyrpc server cannot bind " + address + ": "
				+ ((cause != null && cause.getMessage() != null) ? cause.getMessage() : "unknown error"), cause);
		this.address = address;
	}

	/**
	 * Return the address that could not be bound.
	 * @return the address
	 */
	public RpcAddress getAddress() {
		return this.address;
	}

	/**
	 * Return whether the address is already in use.
	 * @return {@code true} if the cause is a {@link BindException}
	 */
	public boolean isAddressInUse() {
		return getCause() instanceof BindException;
	}

}
