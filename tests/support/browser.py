"""Small waits of the browser journeys that Playwright's `expect` does not offer."""


def loaded_image_width(image, *, timeout: float = 60_000) -> int:
    """The natural width of a picture once the browser has loaded it. A document's first
    page is drawn on its first request: on a loaded machine that takes seconds, and the
    picture is visible (its box laid out) before it is complete."""
    handle = image.element_handle()
    image.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=handle, timeout=timeout
    )
    return handle.evaluate("image => image.naturalWidth")
