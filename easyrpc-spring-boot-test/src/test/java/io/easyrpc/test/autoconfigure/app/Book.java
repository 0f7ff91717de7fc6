package io.easyrpc.test.autoconfigure.app;

/**
 * A book of the catalog.
 *
 * @param isbn the ISBN
 * @param title the title
 * @param pages the number of pages
 */
public record Book(String isbn, String title, int pages) {
}
