// The peer of bench/race.mjs: react-quiz-component's quiz as its README shows it, with the
// 60 questions bundled (quiz.json, written by bench/race.mjs from questions/default-bank.json).
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import Quiz from 'react-quiz-component';
import quiz from './quiz.json';

createRoot(document.getElementById('root')).render(createElement(Quiz, { quiz, shuffle: true, shuffleAnswer: true }));
