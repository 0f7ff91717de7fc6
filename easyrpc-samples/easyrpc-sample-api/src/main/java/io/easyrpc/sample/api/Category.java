package io.easyrpc.sample.api;

/**
 * Item categories.
 */
public enum Category {

	/** Books. */
	BOOKS,

	/** Tools. */
	TOOLS,

	/** Toys. */
	TOYS

}
