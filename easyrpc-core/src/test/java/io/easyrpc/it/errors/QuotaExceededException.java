package io.easyrpc.it.errors;

/**
 * An application exception in a package that test clients allow to be re-created.
 */
public class QuotaExceededException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public QuotaExceededException(String message) {
		super(message);
	}

}
