package io.easyrpc.test.autoconfigure.app;

import org.springframework.stereotype.Component;

/**
 * A component that uses a client; the slice leaves it out unless a test includes it.
 */
@Component
public class Shelf {

	private final CatalogClient catalog;

	Shelf(CatalogClient catalog) {
		this.catalog = catalog;
	}

	/**
	 * Describe a book.
	 * @param isbn the ISBN
	 * @return its title, or {@code "unknown"}
	 */
	public String label(String isbn) {
		return this.catalog.find(isbn).map(Book::title).orElse("unknown");
	}

}
