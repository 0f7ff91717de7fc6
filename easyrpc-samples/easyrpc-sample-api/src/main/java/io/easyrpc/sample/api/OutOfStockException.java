package io.easyrpc.sample.api;

/**
 * Thrown when a reservation asks for more items than are in stock. Declared by
 * {@link Inventory#reserve}, so the client receives this same type.
 */
public class OutOfStockException extends Exception {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the message
	 */
	public OutOfStockException(String message) {
		super(message);
	}

}
