package io.easyrpc.autoconfigure.errors;

/**
 * An application exception that clients may re-create only when its package is listed in
 * {@code easyrpc.client.exception-packages}.
 */
public class CustomRemoteException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public CustomRemoteException(String message) {
		super(message);
	}

}
