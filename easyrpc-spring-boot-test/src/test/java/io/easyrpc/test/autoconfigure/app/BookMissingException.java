package io.easyrpc.test.autoconfigure.app;

/**
 * Thrown by {@link Catalog#reserve} for a book the catalog does not have.
 */
public class BookMissingException extends Exception {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the message
	 */
	public BookMissingException(String message) {
		super(message);
	}

}
