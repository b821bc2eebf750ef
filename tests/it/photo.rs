//! A photo story (its text in the captions of a series of images) is exported, not
//! rejected: the article row with `kind = photo`, every image with its caption, and
//! the people the captions name.

use crate::common::{extract, rows};

/// A made-up portal photo story in the "TITLE - ảnh N" layout, captions under each image.
fn photo_story() -> String {
    let title = "Hà Nội rực rỡ cờ hoa mừng Quốc khánh";
    let captions = [
        "Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch Nguyễn Văn Hùng kiểm tra công tác trang trí tại Quảng trường Ba Đình sáng 1/9.",
        "Các tuyến phố quanh Hồ Gươm được treo cờ đỏ sao vàng và đèn lồng từ nhiều ngày trước.",
        "Người dân và du khách chụp ảnh lưu niệm trước Nhà hát Lớn, nơi đặt tiểu cảnh hoa sen.",
        "Lực lượng công nhân môi trường làm việc xuyên đêm để đường phố luôn sạch đẹp dịp lễ.",
    ];
    let figures: String = captions
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                r#"<figure class="photo"><img src="https://anh.example.vn/2024/09/01/anh-{n}.jpg" alt="{title} - ảnh {n}"><figcaption>{c}</figcaption></figure>"#,
                n = i + 1
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title} | Báo Ví Dụ</title>
        <link rel="canonical" href="https://bao.example.vn/anh/ha-noi-ruc-ro-co-hoa-123.html">
        <meta property="og:type" content="article"></head>
        <body><div class="menu"><a href="/">Trang chủ</a> <a href="/anh">Ảnh</a></div>
        <article class="photo-story"><h1>{title}</h1>
        <div class="meta">Xã hội 01/09/2024 - 09:30</div>
        {figures}
        </article><div class="footer">Báo Ví Dụ, giấy phép số 1/GP</div></body></html>"#
    )
}

#[test]
fn photo_story_is_exported_with_its_captions_and_people() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("photo.html");
    std::fs::write(&page, photo_story()).unwrap();
    let out = dir.path().join("out");
    extract(&[&page], &out);

    let articles = rows(&out, "articles");
    assert_eq!(articles.len(), 1, "{:?}", rows(&out, "rejects"));
    let a = &articles[0];
    assert_eq!(a["kind"].as_str(), Some("photo"));
    assert_eq!(
        a["title"].as_str(),
        Some("Hà Nội rực rỡ cờ hoa mừng Quốc khánh")
    );
    // Captions stay out of the body.
    assert!(!a["body"].as_str().unwrap().contains("Hồ Gươm"));

    let images = rows(&out, "images");
    assert_eq!(images.len(), 4);
    assert!(
        images[1]["caption"]
            .as_str()
            .unwrap()
            .starts_with("Các tuyến phố quanh Hồ Gươm")
    );
    assert!(images.iter().all(|i| i["caption"].as_str().is_some()));

    let people = rows(&out, "participants");
    let names: Vec<&str> = people.iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(names.contains(&"Nguyễn Văn Hùng"), "{names:?}");
}

#[test]
fn a_text_story_is_kind_text() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("text.html");
    let para = "Hội đồng nhân dân thành phố đã thông qua nghị quyết về việc mở rộng tuyến đường vành đai, với tổng vốn đầu tư hơn một nghìn tỷ đồng, dự kiến hoàn thành trong hai năm tới.";
    std::fs::write(
        &page,
        format!("<html lang=\"vi\"><head><title>Thông qua nghị quyết</title></head><body><article><h1>Thông qua nghị quyết mở rộng vành đai</h1><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"),
    )
    .unwrap();
    let out = dir.path().join("out");
    extract(&[&page], &out);
    let articles = rows(&out, "articles");
    assert_eq!(articles[0]["kind"].as_str(), Some("text"));
}
