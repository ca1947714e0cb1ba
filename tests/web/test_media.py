"""Media uploads: images only, type-checked by their content, size-limited, served safely."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image


def image(fmt: str = "PNG", size=(40, 30), color=(11, 61, 107)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(client, data: bytes, name: str):
    return client.post("/author/media", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_uploaded_image_is_served_to_signed_in_users_only(app, client, auth):
    auth.login("trainer")
    data = image(color=(1, 2, 3))
    page = upload(client, data, "schema gehoor.png").get_data(as_text=True)
    address = re.search(r"\((/media/[0-9a-f]{64}\.png)\)", page).group(1)
    served = client.get(address)
    assert served.status_code == 200 and served.data == data
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    # The same file twice is stored once, at the same address.
    assert address in upload(client, data, "kopie.png").get_data(as_text=True)
    assert app.test_client().get(address).status_code == 302  # to the login page
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/media/../secret").status_code == 404


@pytest.mark.parametrize("data, name, message", [
    (b"GIF89a but really a script <script>alert(1)</script>", "plaatje.gif",
     "not an image in an accepted format"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
     "not an image in an accepted format"),
    (image("JPEG"), "foto.png", "holds a JPEG image"),
    (image("BMP"), "oud.bmp", "BMP images are not accepted"),
    (b"", "leeg.png", "The file is empty"),
])
def test_files_that_are_not_accepted_images_are_refused(client, auth, data, name, message):
    auth.login("trainer")
    response = upload(client, data, name)
    assert message in response.get_data(as_text=True)
    assert "/media/" not in re.sub(r'action="/author/media"', "", response.get_data(as_text=True))


def test_files_over_the_limit_are_refused(app, client, auth):
    app.config["MEDIA_MAX_BYTES"] = 2000
    auth.login("trainer")
    big = image(size=(400, 400), color=(5, 5, 5))
    noisy = Image.effect_noise((300, 300), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, format="PNG")
    assert len(out.getvalue()) > 2000
    text = upload(client, out.getvalue(), "ruis.png").get_data(as_text=True)
    assert "at most 2 KB are accepted" in text
    assert len(big) < 2000 and "/media/" in upload(client, big, "klein.png").get_data(
        as_text=True)


def test_learners_cannot_upload(client, auth):
    auth.login("learner")
    assert client.get("/author/media").status_code == 403
    assert upload(client, image(), "x.png").status_code == 403
