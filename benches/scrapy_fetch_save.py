"""Scrapy fetching a list of pages and saving each one to a file: the reference the
crawl benchmark compares `newsmill run` with, on the same local server, in the same run.

    python3 benches/scrapy_fetch_save.py URL_LIST_FILE OUT_DIR CONCURRENCY

Politeness is off (no robots.txt, no delay, no throttling), as in the benchmark's
pipeline. Prints "pages SECONDS" on its last line.
"""

import os
import sys
import time

import scrapy
from scrapy.crawler import CrawlerProcess


class FetchSave(scrapy.Spider):
    name = "fetch_save"

    def __init__(self, urls, out, **kw):
        super().__init__(**kw)
        self.urls = urls
        self.out = out
        self.saved = 0

    async def start(self):
        # Scrapy 2.13 and later.
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.save, dont_filter=True)

    def save(self, response):
        path = os.path.join(self.out, f"{self.saved}.html")
        with open(path, "wb") as f:
            f.write(response.body)
        self.saved += 1


def main():
    url_file, out, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    urls = [u.strip() for u in open(url_file) if u.strip()]
    os.makedirs(out, exist_ok=True)
    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "RETRY_ENABLED": False,
            "REACTOR_THREADPOOL_MAXSIZE": 4,
        }
    )
    crawler = process.create_crawler(FetchSave)
    start = time.monotonic()
    process.crawl(crawler, urls=urls, out=out)
    process.start()
    elapsed = time.monotonic() - start
    saved = len(os.listdir(out))
    print(f"{saved} {elapsed:.3f}")


if __name__ == "__main__":
    main()
